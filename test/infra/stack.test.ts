import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { LISTING_ATTRIBUTES } from '../../functions/table.ts';
import { PyramidStack, type PyramidStackProps } from '../../infra/stack.ts';

function makeApp() {
  // Unit tests skip esbuild bundling; the flag keeps Distributed Map result writers as in cdk.json.
  return new App({ context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': true } });
}
function synth(props: PyramidStackProps = {}) {
  const app = makeApp();
  const stack = new PyramidStack(app, 'Test', props);
  return { app, stack, template: Template.fromStack(stack) };
}

/** All IAM policy statements attached to a role whose logical id starts with `prefix`. */
function statementsFor(template: Template, rolePrefix: string) {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
}
const actions = (s: { Action: string | string[] }) => [s.Action].flat();

describe('PyramidStack', () => {
  const { template } = synth();

  it('has an encrypted, versioned, private exports bucket with access logs and TLS only', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'exports/' }),
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies.length).toBe(2);
    for (const p of policies) {
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('defines the table from the shared definition: on-demand, PITR, encrypted, tier and segment indexes by CLV', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'ByTier', KeySchema: [{ AttributeName: 'tierKey', KeyType: 'HASH' }, { AttributeName: 'clv', KeyType: 'RANGE' }] }),
        Match.objectLike({ IndexName: 'BySegment', KeySchema: [{ AttributeName: 'segmentKey', KeyType: 'HASH' }, { AttributeName: 'clv', KeyType: 'RANGE' }] }),
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'clv', AttributeType: 'N' }]),
    });
  });

  it('routes uploads/ objects with the source suffixes to an encrypted queue with a dead-letter queue', () => {
    const notifications = template.findResources('Custom::S3BucketNotifications');
    const config = Object.values(notifications)[0].Properties.NotificationConfiguration;
    const filters = config.QueueConfigurations.map((q: { Filter: { Key: { FilterRules: { Name: string; Value: string }[] } } }) =>
      Object.fromEntries(q.Filter.Key.FilterRules.map((r) => [r.Name.toLowerCase(), r.Value])));
    const suffixes = ['.csv', '.gz', '.jsonl', '.tsv', '.txt', '.xlsx', '/profile.json'];
    // Created and removed objects both notify: deleting a dataset's last file clears its items.
    const events = config.QueueConfigurations.flatMap((q: { Events: string[] }) => q.Events);
    expect(events.filter((e: string) => e === 's3:ObjectCreated:*').length).toBe(suffixes.length);
    expect(events.filter((e: string) => e === 's3:ObjectRemoved:*').length).toBe(suffixes.length);
    expect([...new Set(filters.map((f: { suffix: string }) => f.suffix))].sort()).toEqual(suffixes);
    expect(new Set(filters.map((f: { prefix: string }) => f.prefix))).toEqual(new Set(['uploads/']));
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 5400,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 2 } });
  });

  it('runs the handlers (upload, nightly, the eight fan-out stages) on nodejs22.x with tracing and the table, bucket and time zone in the environment', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } }));
    expect(fns.length).toBe(11);
    for (const fn of fns) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Timeout).toBe(900);
      expect(fn.Properties.Environment.Variables.TIME_ZONE).toBe('Asia/Shanghai');
      expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(['BUCKET_NAME', 'TABLE_NAME', 'DATASET_PROFILES']));
    }
  });

  it('scopes IAM to the uploads/ and reports/ prefixes and to the table', () => {
    const list = statementsFor(template, 'NightlyListFunctionServiceRole');
    expect(list.flatMap(actions).filter((a) => !a.startsWith('xray:')).sort()).toEqual(['s3:ListBucket']);
    for (const role of ['UploadFunctionServiceRole', 'NightlyFunctionServiceRole']) {
      const statements = statementsFor(template, role);
      const s3Statements = statements.filter((s) => actions(s).some((a) => a.startsWith('s3:')));
      const byAction = Object.fromEntries(s3Statements.flatMap((s) => actions(s).map((a) => [a, s])));
      expect(Object.keys(byAction).sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
      expect(JSON.stringify(byAction['s3:GetObject'].Resource)).toMatch(/\/uploads\/\*"/);
      expect(JSON.stringify(byAction['s3:PutObject'].Resource)).toMatch(/\/reports\/\*"/);
      expect(byAction['s3:ListBucket'].Condition).toEqual({ StringLike: { 's3:prefix': ['uploads/', 'uploads/*'] } });
      const dynamo = statements.filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
      expect(dynamo.length).toBe(1);
      expect(actions(dynamo[0]).sort()).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
      expect(JSON.stringify(dynamo[0].Resource)).toMatch(/Scores.*Arn/);
      // Nothing grants every action of a service or every resource except X-Ray (which has no resource-level permissions).
      for (const s of statements) {
        expect(actions(s).some((a) => a.endsWith(':*'))).toBe(false);
        if (s.Resource === '*') expect(actions(s).every((a) => a.startsWith('xray:'))).toBe(true);
      }
    }
  });

  it('schedules the nightly rescore in Asia/Shanghai by default and in the configured zone and time', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      Target: Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^Nightly') }, RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }), DeadLetterConfig: Match.anyValue() }),
    });
    const other = synth({ timeZone: 'Europe/Berlin', schedule: { hour: 4, minute: 30 } }).template;
    other.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(30 4 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin' });
    expect(() => synth({ timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone/);
  });

  it('passes per-dataset profiles and memory to the functions', () => {
    const t = synth({ memorySize: 1024, profiles: { shop: { timeUnit: 'day' } } }).template;
    const fns = Object.entries(t.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x' } }));
    for (const [id, fn] of fns) {
      // The fan-out's score step holds every customer of a large dataset: it always gets the most memory.
      expect(fn.Properties.MemorySize).toBe(id.startsWith('FanoutScoreFunction') ? 10240 : 1024);
      expect(JSON.parse(fn.Properties.Environment.Variables.DATASET_PROFILES)).toEqual({ shop: { timeUnit: 'day' } });
    }
  });

  it('alarms on function errors, failed runs, stale datasets, failed nightly executions and dead-letter depth', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.MetricName);
    expect(alarms.filter((m) => m === 'Errors').length).toBe(3);
    expect(alarms.filter((m) => m === 'ExecutionsFailed').length).toBe(2); // nightly and fan-out
    expect(alarms.filter((m) => m === 'ApproximateNumberOfMessagesVisible').length).toBe(2);
    expect(alarms).toContain('ExecutionsFailed');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FailedRuns', Namespace: 'CustomerPyramid', Dimensions: [{ Name: 'service', Value: 'customer-pyramid' }] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'StaleDatasets', Namespace: 'CustomerPyramid', Statistic: 'Maximum', Threshold: 1, Dimensions: [{ Name: 'service', Value: 'customer-pyramid' }] });
  });

  it('rescores nightly one dataset per Lambda invocation: a Map state with retries and a catch per dataset', () => {
    const machines = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).filter(([id]) => id.startsWith('Nightly')).map(([, m]) => m);
    expect(machines.length).toBe(1);
    const props = machines[0].Properties;
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    expect(props.LoggingConfiguration.Level).toBe('ALL');
    // The definition is a Fn::Join of strings and function ARNs: keep the strings, drop the references.
    const parts = props.DefinitionString['Fn::Join'][1] as unknown[];
    const definition = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : '"ARN"')).join('').replace(/""ARN""/g, '"ARN"'));
    expect(definition.StartAt).toBe('ListDatasets');
    const list = definition.States.ListDatasets;
    expect(list.Next).toBe('EachDataset');
    expect(list.Retry.some((r: { ErrorEquals: string[] }) => r.ErrorEquals.includes('States.ALL'))).toBe(true);
    const map = definition.States.EachDataset;
    expect(map.Type).toBe('Map');
    expect(map.ItemsPath).toBe('$.datasets');
    expect(map.MaxConcurrency).toBeGreaterThan(1);
    expect(map.ItemSelector).toEqual({ 'dataset.$': '$$.Map.Item.Value', 'asOf.$': '$.asOf' });
    const score = map.ItemProcessor.States.ScoreDataset;
    expect(score.Retry.find((r: { ErrorEquals: string[] }) => r.ErrorEquals.includes('States.ALL'))).toMatchObject({ MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' });
    expect(score.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'DatasetFailed' })]);
    expect(map.ItemProcessor.States.DatasetFailed.Type).toBe('Pass');
    // The state machine may invoke the two nightly functions and nothing else.
    const sfnStatements = statementsFor(template, 'NightlyRole');
    expect(sfnStatements.filter((s) => actions(s).includes('lambda:InvokeFunction')).flatMap((s) => [s.Resource].flat()).map((r) => JSON.stringify(r)).join(' ')).not.toMatch(/UploadFunction/);
  });

  it('fans large datasets out on a Distributed Map state machine: S3 item readers, bounded concurrency, retry and catch on every task', () => {
    const [props] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine')).filter(([id]) => id.startsWith('Fanout')).map(([, m]) => m.Properties);
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    const parts = props.DefinitionString['Fn::Join'][1] as unknown[];
    // References (function ARNs, the partition) sit inside JSON strings: put a placeholder in their place.
    const definition = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'REF')).join(''));
    expect(definition.StartAt).toBe('Plan');
    type State = { Type: string; Retry?: { ErrorEquals: string[] }[]; Catch?: { ErrorEquals: string[]; Next: string }[]; ItemProcessor?: { ProcessorConfig: { Mode: string }; States: Record<string, State> }; ItemReader?: { Resource: string; ReaderConfig: { InputType: string }; Parameters: Record<string, string> }; MaxConcurrency?: number; ItemSelector?: unknown };
    const all: [string, State][] = [];
    const walk = (states: Record<string, State>) => { for (const [name, st] of Object.entries(states)) { all.push([name, st]); if (st.ItemProcessor) walk(st.ItemProcessor.States); } };
    walk(definition.States);
    const maps = all.filter(([, st]) => st.Type === 'Map');
    expect(maps.map(([n]) => n).sort()).toEqual(['Partitions', 'Shards', 'Writes']);
    for (const [name, map] of maps) {
      expect(map.ItemProcessor!.ProcessorConfig.Mode, name).toBe('DISTRIBUTED');
      expect(map.ItemReader!.Resource).toMatch(/s3:getObject/);
      expect(map.ItemReader!.ReaderConfig.InputType).toBe('JSON');
      expect(map.ItemReader!.Parameters).toEqual({ 'Bucket.$': '$.run.bucket', 'Key.$': name === 'Shards' ? '$.run.manifestKey' : '$.run.partitionsKey' });
      expect(map.MaxConcurrency, name).toBeGreaterThan(1);
      expect(map.ItemSelector).toEqual({ 'run.$': '$.run', 'item.$': '$$.Map.Item.Value' });
      expect(map.Catch?.[0]).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'RecordFailure' });
    }
    const taskStates = all.filter(([, st]) => st.Type === 'Task');
    expect(taskStates.map(([n]) => n).sort()).toEqual(['Finish', 'MergePartition', 'Plan', 'ReadShard', 'RecordFailure', 'Score', 'ScoreInOneFunction', 'WritePartition']);
    for (const [name, task] of taskStates) {
      expect(task.Retry?.some((r) => r.ErrorEquals.includes('States.ALL')), name).toBe(true);
      expect(task.Catch?.some((c) => c.ErrorEquals.includes('States.ALL')), name).toBe(true);
    }
    // A busy dataset (another run holds its lease) is waited for, not failed.
    expect(definition.States.Plan.Retry.find((r: { ErrorEquals: string[] }) => r.ErrorEquals.includes('DatasetBusyError'))).toMatchObject({ MaxAttempts: 30, MaxDelaySeconds: 300 });
    // Each stage's role touches only its own prefixes: the write stage reads runs/ and writes the table, nothing else.
    const write = statementsFor(template, 'FanoutWriteFunctionServiceRole').filter((s) => !actions(s).every((a) => a.startsWith('xray:')));
    expect(write.flatMap(actions).sort()).toEqual(['dynamodb:BatchWriteItem', 's3:GetObject']);
    expect(JSON.stringify(write.find((s) => actions(s).includes('s3:GetObject'))!.Resource)).toMatch(/\/runs\/\*"/);
    // The upload and nightly functions may start this state machine, and the intermediate objects expire.
    for (const role of ['UploadFunctionServiceRole', 'NightlyFunctionServiceRole']) {
      expect(statementsFor(template, role).some((s) => actions(s).includes('states:StartExecution')), role).toBe(true);
    }
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'runs/', ExpirationInDays: 2 })]) } });
  });

  it('keeps the table safe and cheap to write: deletion protection, listing attributes only in the indexes; reports expire', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'ByTier', Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: LISTING_ATTRIBUTES } })]),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([
        Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } }),
        Match.objectLike({ Prefix: 'reports/', ExpirationInDays: 90 }),
      ]) },
    });
  });

  it('has no unacknowledged AwsSolutions findings', () => {
    const app = makeApp();
    new PyramidStack(app, 'Nag');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('cdk-nag does report a finding that is not acknowledged (the check can fail)', async () => {
    const app = makeApp();
    const stack = new PyramidStack(app, 'Nag2');
    const { Queue } = await import('aws-cdk-lib/aws-sqs');
    new Queue(stack, 'Unsafe'); // no DLQ, no TLS enforcement
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});
