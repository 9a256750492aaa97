// npm run operator-password -- --name NAME        prompts for the password (not echoed)
// echo "$PASSWORD" | npm run operator-password -- --name NAME
// Prints `NAME:<scrypt hash>`, one entry of DASHBOARD_OPERATORS (join entries with commas).
// The password itself is never printed or written anywhere.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { OPERATOR_NAME_PATTERN } from '../dashboard-settings.js';
import { hashOperatorPassword } from '../operator-password.js';

const MIN_LENGTH = 12;

async function readPiped(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.replace(/\r?\n$/, '');
}

function prompt(question: string): Promise<string> {
  return new Promise((resolve) => {
    const input = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo nothing of what is typed after the question.
    const rl = input as unknown as { _writeToOutput: (text: string) => void };
    let asked = false;
    rl._writeToOutput = (text: string) => {
      if (!asked) process.stderr.write(text);
    };
    input.question(question, (answer) => {
      process.stderr.write('\n');
      input.close();
      resolve(answer);
    });
    asked = true;
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { name: { type: 'string' } } });
  const name = values.name ?? '';
  if (!OPERATOR_NAME_PATTERN.test(name)) {
    console.error('usage: npm run operator-password -- --name NAME   (NAME: 1-64 letters, digits or ._@-)');
    return 2;
  }
  let password: string;
  if (process.stdin.isTTY) {
    password = await prompt(`Password for ${name}: `);
    const again = await prompt('Again: ');
    if (again !== password) {
      console.error('The two passwords differ.');
      return 2;
    }
  } else {
    password = await readPiped();
  }
  if (password.length < MIN_LENGTH) {
    console.error(`The password must have at least ${MIN_LENGTH} characters.`);
    return 2;
  }
  console.log(`${name}:${await hashOperatorPassword(password)}`);
  return 0;
}

process.exitCode = await main();
