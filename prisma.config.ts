// Configuration for the Prisma CLI (generate, and migrate for those who have its native engine).
// Our own migration tool (npm run db:migrate / db:status / db:migration) reads the same paths.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:54329/vexora_checkout',
  },
});
