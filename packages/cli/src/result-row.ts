/** The columns of a results file, in order. */
export const RESULT_COLUMNS = ['orderId', 'intentId', 'tradeNo', 'state', 'error', 'line'] as const;

/** One line of a results file: what became of one order. */
export interface ResultRow {
  orderId: string;
  intentId: string;
  tradeNo: string;
  state: string;
  /** Empty when the order has its intent. */
  error: string;
  /** Where the order is in the input file. */
  line: number;
}

export function resultFields(row: ResultRow): (string | number)[] {
  return RESULT_COLUMNS.map((column) => row[column]);
}
