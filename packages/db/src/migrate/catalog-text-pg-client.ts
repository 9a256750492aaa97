import pg from 'pg';

/** Postgres type OIDs: `"char"` (one-byte catalog flags such as relkind), `name`, `text`. */
const CHAR_OID = 18;
const NAME_OID = 19;
const TEXT_OID = 25;

interface RowDescriptionMessage {
  fields: { dataTypeID: number }[];
}

interface RowDescriptionHandler {
  _handleRowDescription(message: RowDescriptionMessage): void;
}

const parentHandler = (pg.Client.prototype as unknown as Partial<RowDescriptionHandler>)
  ._handleRowDescription;
if (typeof parentHandler !== 'function') {
  // Fail at import rather than with a confusing "char could not be deserialized" mid-migration.
  throw new Error('pg.Client no longer has _handleRowDescription: CatalogTextPgClient must be updated.');
}

/**
 * A pg client that reports pg_catalog's `"char"` and `name` columns as `text`.
 *
 * @prisma/adapter-pg 7.10 throws "Column type 'char' could not be deserialized" on OID 18, and the
 * schema engine reads such columns (pg_class.relkind, pg_constraint.contype, ...) when it
 * describes a database. Their text form is already the value the engine expects, so relabelling
 * the column before the adapter looks at it is enough. The hook sits on the row description,
 * below every query path (pool.query, client.query, multi-statement results).
 */
export class CatalogTextPgClient extends pg.Client {}

(CatalogTextPgClient.prototype as unknown as RowDescriptionHandler)._handleRowDescription = function (
  this: pg.Client,
  message: RowDescriptionMessage,
) {
  for (const field of message.fields) {
    if (field.dataTypeID === CHAR_OID || field.dataTypeID === NAME_OID) {
      field.dataTypeID = TEXT_OID;
    }
  }
  parentHandler.call(this, message);
};
