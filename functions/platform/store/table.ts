/**
 * The one table, described once. The local host creates it from this definition and the CDK stack
 * builds it from the same object, so the two can never drift (a test compares them).
 *
 * Single-table design: every item has `pk`/`sk`; access patterns other than "by id" go through the
 * generic indexes below, whose key values each entity file defines.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    /** Lists within a parent: villages of a county, divisions under a parent, units of a division … */
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Second listing axis: audit by jurisdiction and time, imports by status … */
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  /** Epoch seconds after which DynamoDB deletes the item (idempotency records). */
  timeToLiveAttribute: 'expiresAt',
} as const;

export type TableDefinition = typeof tableDefinition;
export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];
