/**
 * The serverless batch: exports bucket → (S3 notification: created or removed) → SQS (+DLQ) →
 * upload Lambda → DynamoDB, and an EventBridge Scheduler schedule that starts a Step Functions
 * state machine nightly in the business's time zone: list the datasets, then a Map state scores
 * each dataset in its own Lambda invocation with its own retries, so one failing dataset does not
 * hold up the others.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, TimeZone, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS, type KeyDef } from '../functions/table.ts';
import { NOTIFICATION_SUFFIXES, REPORT_PREFIX, UPLOAD_PREFIX } from '../functions/s3-keys.ts';
import { RUN_PREFIX } from '../functions/fanout/layout.ts';
import { FanoutStateMachine, RUN_RETENTION_DAYS } from './fanout.ts';
import { ESM_REQUIRE_BANNER, LAMBDA_MAIN_FIELDS, LAMBDA_TARGET } from './bundling.ts';

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

/** Days the reports of a run are kept (the run item in DynamoDB keeps its counts and keys). */
const REPORT_RETENTION_DAYS = 90;
/** Datasets the nightly Map scores at once: bounds the DynamoDB write load. */
const NIGHTLY_CONCURRENCY = 4;

const attr = (k: KeyDef) => ({ name: k.name, type: k.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING });

export class PyramidStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly uploadFunction: NodejsFunction;
  readonly nightlyListFunction: NodejsFunction;
  readonly nightlyFunction: NodejsFunction;
  readonly nightlyStateMachine: sfn.StateMachine;
  readonly deadLetterQueue: sqs.Queue;
  readonly fanout: FanoutStateMachine;

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
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(2) },
        { prefix: REPORT_PREFIX, expiration: Duration.days(REPORT_RETENTION_DAYS) },
        // A fan-out run's intermediate objects (shard lists, ledger slices, summaries, item writes).
        { prefix: RUN_PREFIX, expiration: Duration.days(RUN_RETENTION_DAYS), noncurrentVersionExpiration: Duration.days(1) },
      ],
      removalPolicy,
    });

    this.table = new dynamodb.Table(this, 'Scores', {
      partitionKey: attr(TABLE_KEYS.partitionKey),
      sortKey: attr(TABLE_KEYS.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retainData !== false,
      removalPolicy,
    });
    for (const index of TABLE_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: attr(index.partitionKey),
        sortKey: attr(index.sortKey),
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: index.include,
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
    // Created and removed: deleting a dataset's last file removes its items and LATEST.
    for (const event of [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_REMOVED]) {
      for (const suffix of NOTIFICATION_SUFFIXES) {
        this.bucket.addEventNotification(event, new s3n.SqsDestination(queue), { prefix: UPLOAD_PREFIX, suffix });
      }
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
    const makeFunction = (name: string, entry: string, description: string, handler = 'handler', extra: Partial<NodejsFunctionProps> = {}) => new NodejsFunction(this, name, {
      entry: path.join(root, entry),
      handler,
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
        target: LAMBDA_TARGET,
        minify: true,
        sourceMap: true,
        mainFields: LAMBDA_MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
      },
      ...extra,
    });
    this.uploadFunction = makeFunction('UploadFunction', 'functions/upload.ts', 'Rescores a dataset when an export is uploaded');
    this.uploadFunction.addEventSource(new SqsEventSource(queue, {
      batchSize: 10,
      // Notifications of one multi-file upload arrive within seconds: batch them into one run.
      maxBatchingWindow: Duration.seconds(5),
      reportBatchItemFailures: true,
      // At most two runs at once: bounds DynamoDB write load (one dataset has one writer: its lease).
      maxConcurrency: 2,
    }));
    this.nightlyListFunction = makeFunction('NightlyListFunction', 'functions/nightly.ts', 'Lists the datasets to rescore tonight', 'listHandler');
    this.nightlyFunction = makeFunction('NightlyFunction', 'functions/nightly.ts', 'Rescores one dataset as of the new day', 'scoreHandler');

    // --- least privilege: source prefixes read-only, reports prefix write-only, this table only ----
    for (const fn of [this.uploadFunction, this.nightlyFunction, this.nightlyListFunction]) {
      fn.addToRolePolicy(new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [UPLOAD_PREFIX, `${UPLOAD_PREFIX}*`] } },
      }));
    }
    for (const fn of [this.uploadFunction, this.nightlyFunction]) {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`)] }));
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${REPORT_PREFIX}*`)] }));
      fn.addToRolePolicy(new iam.PolicyStatement({
        // DeleteItem releases the lease; ConditionCheckItem fences the publishing transaction with it.
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
        resources: [this.table.tableArn],
      }));
    }

    // --- fan-out for large datasets: an upload or the nightly run starts it above the size threshold
    this.fanout = new FanoutStateMachine(this, 'Fanout', { bucket: this.bucket, table: this.table, makeFunction });
    for (const fn of [this.uploadFunction, this.nightlyFunction]) {
      fn.addEnvironment('FANOUT_STATE_MACHINE_ARN', this.fanout.stateMachine.stateMachineArn);
      this.fanout.stateMachine.grantStartExecution(fn);
    }

    // --- nightly schedule ------------------------------------------------------------------------
    const scheduleDeadLetters = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // One Lambda invocation per dataset: a dataset that fails, times out or runs out of memory is
    // retried on its own and then caught, and the Map goes on with the others.
    const scoreOne = new tasks.LambdaInvoke(this, 'ScoreDataset', {
      lambdaFunction: this.nightlyFunction,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    scoreOne.addRetry({ errors: ['States.ALL'], interval: Duration.minutes(1), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    scoreOne.addCatch(new sfn.Pass(this, 'DatasetFailed', {
      parameters: { 'dataset.$': '$.dataset', status: 'error', 'error.$': '$.error.Error' },
    }), { resultPath: '$.error' });
    const eachDataset = new sfn.Map(this, 'EachDataset', {
      itemsPath: sfn.JsonPath.stringAt('$.datasets'),
      itemSelector: { 'dataset.$': '$$.Map.Item.Value', 'asOf.$': '$.asOf' },
      maxConcurrency: NIGHTLY_CONCURRENCY,
      resultPath: '$.results',
    });
    eachDataset.itemProcessor(scoreOne);
    const listDatasets = new tasks.LambdaInvoke(this, 'ListDatasets', { lambdaFunction: this.nightlyListFunction, payloadResponseOnly: true, retryOnServiceExceptions: true });
    listDatasets.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(30), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    this.nightlyStateMachine = new sfn.StateMachine(this, 'Nightly', {
      definitionBody: sfn.DefinitionBody.fromChainable(listDatasets.next(eachDataset)),
      timeout: Duration.hours(12),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'NightlyStateMachineLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    new scheduler.Schedule(this, 'NightlyRescore', {
      description: `Rescore every dataset at ${String(schedule.hour).padStart(2, '0')}:${String(schedule.minute).padStart(2, '0')} ${timeZone}`,
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(schedule.minute),
        hour: String(schedule.hour),
        timeZone: TimeZoneOf(timeZone),
      }),
      target: new targets.StepFunctionsStartExecution(this.nightlyStateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ source: 'nightly-schedule' }),
        retryAttempts: 2,
        deadLetterQueue: scheduleDeadLetters,
      }),
    });
    for (const q of [this.deadLetterQueue, scheduleDeadLetters]) {
      Validations.of(q).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' });
    }

    // --- alarms ----------------------------------------------------------------------------------
    // Every alarm fires on one datapoint at or above 1 in 5 minutes; no data is not a breach.
    const alarm = (id: string, alarmDescription: string, metric: cloudwatch.IMetric) => new cloudwatch.Alarm(this, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const every5 = { period: Duration.minutes(5) };
    const ownMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'CustomerPyramid', metricName, dimensionsMap: { service: 'customer-pyramid' }, statistic, ...every5 });
    for (const [name, fn] of [['Upload', this.uploadFunction], ['Nightly', this.nightlyFunction], ['NightlyList', this.nightlyListFunction]] as const) {
      alarm(`${name}Errors`, `${name} function reported errors`, fn.metricErrors(every5));
    }
    // A run recorded failed (bad input, or a fault that outlasted its retries), a stale dataset and a failed nightly execution.
    alarm('FailedRuns', 'A scoring run was recorded failed (its run item says why)', ownMetric('FailedRuns', 'Sum'));
    alarm('FanoutExecutionsFailed', 'A fan-out run failed or timed out (its run item says why)', this.fanout.stateMachine.metricFailed(every5));
    // A dataset the nightly run left at an older day (counted by ListDatasets before each night's scoring).
    alarm('StaleDatasets', 'A dataset was not rescored by the last nightly run (its LATEST is older than yesterday, or it never succeeded)', ownMetric('StaleDatasets', 'Maximum'));
    alarm('NightlyExecutionsFailed', 'The nightly state machine failed or timed out', this.nightlyStateMachine.metricFailed(every5));
    for (const [name, q] of [['UploadDeadLetters', this.deadLetterQueue], ['ScheduleDeadLetters', scheduleDeadLetters]] as const) {
      alarm(`${name}Depth`, `Messages waiting in ${name}`, q.metricApproximateNumberOfMessagesVisible(every5));
    }

    // --- cdk-nag findings accepted, each on the constructs it concerns, with its reason -----------
    const bucketArn = `<${this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const ack = (scope: Construct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
    const basicRole = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
    const notificationHelper = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    for (const scope of [this.uploadFunction, this.nightlyFunction, this.nightlyListFunction, ...(notificationHelper ? [notificationHelper] : [])]) {
      ack(scope, basicRole, 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.');
    }
    for (const fn of [this.uploadFunction, this.nightlyFunction, this.nightlyListFunction]) {
      ack(fn, 'AwsSolutions-IAM5[Resource::*]', 'Only xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing), which have no resource-level permissions.');
      ack(fn, 'AwsSolutions-L1', 'nodejs22.x is the runtime the project builds and tests for (esbuild target node22); raise it deliberately, not implicitly.');
    }
    for (const fn of [this.uploadFunction, this.nightlyFunction]) {
      ack(fn, `AwsSolutions-IAM5[Resource::${bucketArn}/${UPLOAD_PREFIX}*]`, 'Read access to the objects under uploads/ only: a dataset\'s sources are any keys there.');
      ack(fn, `AwsSolutions-IAM5[Resource::${bucketArn}/${REPORT_PREFIX}*]`, 'Write access to the objects under reports/ only: each run writes its own keys there.');
    }
    ack(this.nightlyStateMachine, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing and CloudWatch Logs delivery actions of the state machine have no resource-level permissions.');
    for (const fn of [this.nightlyFunction, this.nightlyListFunction]) {
      const arn = `<${this.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>`;
      ack(this.nightlyStateMachine, `AwsSolutions-IAM5[Resource::${arn}:*]`, 'The state machine may invoke any version of its two nightly functions, and nothing else.');
    }

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
