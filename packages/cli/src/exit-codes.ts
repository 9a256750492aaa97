/** How the CLI ends; documented in packages/cli/README.md. */
export const EXIT = {
  /** Every row has its intent. */
  ok: 0,
  /** Some rows failed (invalid, refused by the API); they are in the results file with the reason. */
  someRowsFailed: 1,
  /** Bad usage or configuration (flags, missing file, bad CSV header, API key refused): nothing was sent. */
  usage: 2,
  /** The run stopped early (the API did not answer, or Ctrl-C): run the same command again to finish. */
  incomplete: 3,
} as const;
