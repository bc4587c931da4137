/** The table of a deployed function, through the DocumentClient it keeps for its whole life. */
import { sharedDocumentClient } from '../../adapters/dynamoClient.js';
import { DynamoStore } from '../../adapters/store.js';
import { requireEnv } from './env.js';

const env = requireEnv('SSPR_TABLE_NAME');

export const store = new DynamoStore(sharedDocumentClient(), env.SSPR_TABLE_NAME);
