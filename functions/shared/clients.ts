import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { config } from './config.ts';

// Module-level singletons: created on first use (after configuration is in place) and then reused
// across warm Lambda invocations, as Powertools' examples do.
let documentClient: DynamoDBDocumentClient | undefined;
let sfnClient: SFNClient | undefined;

function localCredentials(endpoint: string | undefined) {
  // The local emulators accept any credentials; supplying them avoids probing the environment.
  return endpoint ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
}

export function ddb(): DynamoDBDocumentClient {
  if (!documentClient) {
    const { AWS_REGION, DYNAMODB_ENDPOINT } = config();
    const base = new DynamoDBClient({
      region: AWS_REGION,
      endpoint: DYNAMODB_ENDPOINT,
      credentials: localCredentials(DYNAMODB_ENDPOINT),
      maxAttempts: 5,
    });
    documentClient = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    });
  }
  return documentClient;
}

export function sfn(): SFNClient {
  if (!sfnClient) {
    const { AWS_REGION, SFN_ENDPOINT } = config();
    sfnClient = new SFNClient({
      region: AWS_REGION,
      endpoint: SFN_ENDPOINT,
      credentials: localCredentials(SFN_ENDPOINT),
    });
  }
  return sfnClient;
}

export function tableName(): string {
  return config().TABLE_NAME;
}

/** Drop the singletons (tests that switch tables, and the local host on shutdown). */
export function resetClients(): void {
  documentClient?.destroy();
  sfnClient?.destroy();
  documentClient = undefined;
  sfnClient = undefined;
}
