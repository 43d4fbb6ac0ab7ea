/**
 * The serverless batch: exports bucket → (S3 notification) → SQS (+DLQ) → upload Lambda → DynamoDB,
 * and an EventBridge Scheduler schedule that rescores every dataset nightly in the business's time zone.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS, type KeyDef } from '../functions/table.ts';
import { NOTIFICATION_SUFFIXES, REPORT_PREFIX, UPLOAD_PREFIX } from '../functions/s3-keys.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface PyramidStackProps extends StackProps {
  /** Nightly rescoring time, local to `timeZone`. Default 02:00. */
  schedule?: { hour: number; minute: number };
  /** IANA time zone of the business: the schedule and the as-of date use it. Default Asia/Shanghai. */
  timeZone?: string;
  /** Lambda memory in MB. Default 3008. */
  memorySize?: number;
  /** Per-dataset profile overrides (dataset → partial profile); uploads/<ds>/profile.json overrides these. */
  profiles?: Record<string, Record<string, unknown>>;
  /** Keep the bucket and table when the stack is deleted. Default true. */
  retainData?: boolean;
}

const attr = (k: KeyDef) => ({ name: k.name, type: k.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING });

export class PyramidStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly uploadFunction: NodejsFunction;
  readonly nightlyFunction: NodejsFunction;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: PyramidStackProps = {}) {
    super(scope, id, props);
    const timeZone = props.timeZone ?? 'Asia/Shanghai';
    const schedule = props.schedule ?? { hour: 2, minute: 0 };
    const removalPolicy = props.retainData === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // --- storage -------------------------------------------------------------------------------
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });

    this.bucket = new s3.Bucket(this, 'Exports', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'exports/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90) }],
      removalPolicy,
    });

    this.table = new dynamodb.Table(this, 'Scores', {
      partitionKey: attr(TABLE_KEYS.partitionKey),
      sortKey: attr(TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attr(index.partitionKey),
        sortKey: attr(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // --- upload trigger: S3 → SQS (with DLQ) → Lambda ------------------------------------------
    const functionTimeout = Duration.minutes(15);
    this.deadLetterQueue = new sqs.Queue(this, 'UploadDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new sqs.Queue(this, 'Uploads', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's guidance: at least six times the function timeout, so a slow run is not redelivered mid-flight.
      visibilityTimeout: Duration.minutes(90),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });
    for (const suffix of NOTIFICATION_SUFFIXES) {
      this.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue), { prefix: UPLOAD_PREFIX, suffix });
    }

    const environment = {
      BUCKET_NAME: this.bucket.bucketName,
      TABLE_NAME: this.table.tableName,
      TIME_ZONE: timeZone,
      DATASET_PROFILES: JSON.stringify(props.profiles ?? {}),
      POWERTOOLS_SERVICE_NAME: 'customer-pyramid',
      POWERTOOLS_METRICS_NAMESPACE: 'CustomerPyramid',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const makeFunction = (name: string, entry: string, description: string) => new NodejsFunction(this, name, {
      entry: path.join(root, entry),
      handler: 'handler',
      description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 3008,
      timeout: functionTimeout,
      tracing: lambda.Tracing.ACTIVE,
      environment,
      logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
      projectRoot: root,
      depsLockFilePath: path.join(root, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies (papaparse, exceljs) call require() inside the ESM bundle.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    this.uploadFunction = makeFunction('UploadFunction', 'functions/upload.ts', 'Rescores a dataset when an export is uploaded');
    this.uploadFunction.addEventSource(new SqsEventSource(queue, {
      batchSize: 10,
      // Notifications of one multi-file upload arrive within seconds: batch them into one run.
      maxBatchingWindow: Duration.seconds(5),
      reportBatchItemFailures: true,
      // At most two runs at once: bounds DynamoDB write load and overlapping runs of one dataset.
      maxConcurrency: 2,
    }));
    this.nightlyFunction = makeFunction('NightlyFunction', 'functions/nightly.ts', 'Rescores every dataset as of the new day');

    // --- least privilege: source prefixes read-only, reports prefix write-only, this table only ----
    for (const fn of [this.uploadFunction, this.nightlyFunction]) {
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [UPLOAD_PREFIX, `${UPLOAD_PREFIX}*`] } },
      }));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`)] }));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${REPORT_PREFIX}*`)] }));
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
        resources: [this.table.tableArn],
      }));
    }

    // --- nightly schedule ------------------------------------------------------------------------
    const scheduleDeadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    new scheduler.Schedule(this, 'NightlyRescore', {
      description: `Rescore every dataset at ${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute).padStart(2, '0')} ${timeZone}`,
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(schedule.minute),
        hour: String(schedule.hour),
        timeZone: TimeZoneOf(timeZone),
      }),
      target: new targets.LambdaInvoke(this.nightlyFunction, {
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'nightly-schedule' }),
        retryAttempts: 2,
        deadLetterQueue: scheduleDeadLetters,
      }),
    });
    for (const q of [this.deadLetterQueue, scheduleDeadLetters]) {
      Validations.of(q).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' });
    }

    // --- alarms ----------------------------------------------------------------------------------
    for (const [name, fn] of [['Upload', this.uploadFunction], ['Nightly', this.nightlyFunction]] as const) {
      new cloudwatch.Alarm(this, `${name}Errors`, {
        alarmDescription: `${name} function reported errors`,
        metric: fn.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    for (const [name, q] of [['UploadDeadLetters', this.deadLetterQueue], ['ScheduleDeadLetters', scheduleDeadLetters]] as const) {
      new cloudwatch.Alarm(this, `${name}Depth`, {
        alarmDescription: `Messages waiting in ${name}`,
        metric: q.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // --- cdk-nag findings accepted, each with its reason -------------------------------------------
    const bucketArn = `<${this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const nightlyArn = `<${this.getLogicalId(this.nightlyFunction.node.defaultChild as lambda.CfnFunction)}.Arn>`;
    const accepted: [string, string][] = [
      ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AWSLambdaBasicExecutionRole only allows a function to write its own CloudWatch logs (ours and the CDK bucket-notification helper).'],
      ['AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords and the CDK bucket-notification helper\'s PutBucketNotification have no resource-level permissions.'],
      [`AwsSolutions-IAM5[Resource::${bucketArn}/${UPLOAD_PREFIX}*]`, 'Read access to the objects under uploads/ only: a dataset\'s sources are any keys there.'],
      [`AwsSolutions-IAM5[Resource::${bucketArn}/${REPORT_PREFIX}*]`, 'Write access to the objects under reports/ only: each run writes its own keys there.'],
      [`AwsSolutions-IAM5[Resource::${nightlyArn}:*]`, 'The scheduler may invoke any version or alias of the nightly function, and nothing else.'],
      ['AwsSolutions-L1', 'nodejs22.x is the runtime the project builds and tests for (esbuild target node22); raise it deliberately, not implicitly.'],
    ];
    for (const [id, reason] of accepted) Validations.of(this).acknowledge({ id, reason });

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UploadQueueUrl', { value: queue.queueUrl });
  }
}

function TimeZoneOf(name: string) {
  // cdk.TimeZone.of accepts any IANA name; validate here so a typo fails at synth, not at deploy.
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
  } catch {
    throw new Error(`Unknown time zone: ${name}`);
  }
  return TimeZone.of(name);
}
