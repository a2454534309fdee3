import { Logger } from '@aws-lambda-powertools/logger';
import { configSchema } from './config.ts';

/**
 * The one structured JSON logger (Powertools). Only LOG_LEVEL is read here, not the whole
 * configuration, so that importing the logger never fails for a missing table name.
 */
export const logger = new Logger({
  serviceName: 'village-flow',
  logLevel: configSchema.shape.LOG_LEVEL.parse(process.env.LOG_LEVEL),
});
