# One image for every process of vexora-checkout: the command picks the app
# (`node apps/<api|worker|webhook|sandbox>/dist/main.js`), and
# `node packages/db/dist/cli/db.js migrate` applies the migrations. Used by the `replicas` profile
# of docker-compose.yml. No Docker engine was available where this file was written: its steps
# (npm ci offline, build, prune, then each app and the migration from the pruned tree) were run by
# hand, not through `docker build`.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The npm that wrote package-lock.json (package.json "packageManager").
RUN npm install -g npm@11.19.1
# The whole tree, not just the manifests: `npm ci` runs the postinstall script (db:generate),
# which reads prisma/schema.prisma and the db package's sources. It works offline.
COPY . .
RUN npm ci --no-audit --no-fund
RUN TURBO_TELEMETRY_DISABLED=1 npm run build
# Development tools are not needed at run time; the migration CLI runs from packages/db/dist and
# the generated Prisma Client stays in packages/db/src/generated (pruning runs no install script).
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
# Every app binds 127.0.0.1 unless told otherwise: set API_HOST, WEBHOOK_HOST, WORKER_HEALTH_HOST
# or SANDBOX_HOST to 0.0.0.0 in a container.
CMD ["node", "apps/api/dist/main.js"]
