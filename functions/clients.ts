/**
 * AWS clients configured from the environment, so the same handler code runs in Lambda and
 * against the local stand-ins (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB point at them).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface ClientOptions { endpoint?: string; region?: string; credentials?: { accessKeyId: string; secretAccessKey: string } }

export function s3Client(options: ClientOptions = {}): S3Client {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
  return new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Only checksum when S3 requires it: local S3 servers otherwise store the checksum framing in the object.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function dynamoClient(options: ClientOptions = {}): DynamoDBClient {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
  return new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/** The stack's per-dataset profiles (env DATASET_PROFILES, a JSON object dataset → partial profile). */
export function datasetProfiles(): Record<string, Record<string, unknown>> {
  return process.env.DATASET_PROFILES ? JSON.parse(process.env.DATASET_PROFILES) : {};
}
