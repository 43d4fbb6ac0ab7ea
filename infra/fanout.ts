/**
 * The fan-out state machine for large datasets (functions/fanout): plan → a Distributed Map over
 * the run's shard list in S3 (one child execution per transaction file) → a Distributed Map over
 * the customer partitions (merge) → one score step → a Distributed Map over the partitions (item
 * writes) → finish (run item + LATEST). Small datasets (the plan decides) take the single-Lambda
 * path under the same lease. Every task retries transient faults; every failure is caught, the
 * run recorded failed and the lease released, and the execution fails (an alarm watches it).
 * Each stage has its own function and role: it may read and write only what that stage touches.
 */
import { Duration, RemovalPolicy, Size, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction, NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { REPORT_PREFIX, UPLOAD_PREFIX } from '../functions/s3-keys.ts';
import { RUN_PREFIX } from '../functions/fanout/layout.ts';

export type MakeFunction = (name: string, entry: string, description: string, handler?: string, extra?: Partial<NodejsFunctionProps>) => NodejsFunction;

/** Shards read at once: S3 and Lambda take far more; the bound keeps a run's cost and log volume predictable. */
export const SHARD_CONCURRENCY = 100;
/** Partitions written at once: bounds the DynamoDB write load of one run (each writer runs 8 BatchWriteItem calls at a time). */
export const WRITE_CONCURRENCY = 16;
/** Days a run's intermediate objects are kept (a run takes minutes; a day leaves room to inspect a failed one). */
export const RUN_RETENTION_DAYS = 2;

const ENTRY = 'functions/fanout/handlers.ts';

export class FanoutStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Record<string, NodejsFunction>;

  constructor(scope: Construct, id: string, props: { bucket: s3.Bucket; table: dynamodb.Table; makeFunction: MakeFunction }) {
    super(scope, id);
    const { bucket, table, makeFunction } = props;
    const fn = (name: string, description: string, extra?: Partial<NodejsFunctionProps>) =>
      makeFunction(`Fanout${name}Function`, ENTRY, description, `${name[0].toLowerCase()}${name.slice(1)}Handler`, extra);
    const f = this.functions = {
      plan: fn('Plan', 'Fan-out: takes the lease, lists the sources, writes the shard list'),
      shard: fn('Shard', 'Fan-out: reads one transaction file into per-partition ledger slices', { ephemeralStorageSize: Size.gibibytes(2) }),
      merge: fn('Merge', 'Fan-out: summarizes one customer partition'),
      score: fn('Score', 'Fan-out: fits and scores every customer, writes the reports and the item writes', { memorySize: 10240, ephemeralStorageSize: Size.gibibytes(10) }),
      write: fn('Write', 'Fan-out: writes one partition of customer items'),
      finish: fn('Finish', 'Fan-out: publishes the run item and LATEST, releases the lease'),
      fail: fn('Fail', 'Fan-out: records a failed run and releases the lease'),
      single: fn('Single', 'Fan-out: scores a small dataset in one function'),
    };

    // --- least privilege per stage ---------------------------------------------------------------
    const objects = (prefix: string) => bucket.arnForObjects(`${prefix}*`);
    const allow = (target: NodejsFunction | sfn.StateMachine, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      target.addToRolePolicy(new iam.PolicyStatement({ actions, resources, ...(conditions ? { conditions } : {}) }));
    const listUploads = (target: NodejsFunction) => allow(target, ['s3:ListBucket'], [bucket.bucketArn], { StringLike: { 's3:prefix': [UPLOAD_PREFIX, `${UPLOAD_PREFIX}*`] } });
    const dynamo = (target: NodejsFunction, actions: string[]) => allow(target, actions.map((a) => `dynamodb:${a}`), [table.tableArn]);
    listUploads(f.plan);
    allow(f.plan, ['s3:GetObject'], [bucket.arnForObjects(`${UPLOAD_PREFIX}*/profile.json`)]);
    allow(f.plan, ['s3:PutObject'], [objects(RUN_PREFIX)]);
    dynamo(f.plan, ['GetItem', 'PutItem']);
    allow(f.shard, ['s3:GetObject'], [objects(UPLOAD_PREFIX), objects(RUN_PREFIX)]);
    allow(f.shard, ['s3:PutObject'], [objects(RUN_PREFIX)]);
    allow(f.merge, ['s3:GetObject'], [objects(RUN_PREFIX)]);
    allow(f.merge, ['s3:PutObject'], [objects(RUN_PREFIX)]);
    allow(f.score, ['s3:GetObject'], [objects(UPLOAD_PREFIX), objects(RUN_PREFIX)]);
    allow(f.score, ['s3:PutObject'], [objects(RUN_PREFIX), objects(REPORT_PREFIX)]);
    dynamo(f.score, ['Query', 'PutItem']);
    allow(f.write, ['s3:GetObject'], [objects(RUN_PREFIX)]);
    dynamo(f.write, ['BatchWriteItem']);
    listUploads(f.finish);
    allow(f.finish, ['s3:GetObject'], [objects(RUN_PREFIX)]);
    dynamo(f.finish, ['PutItem', 'DeleteItem', 'ConditionCheckItem']);
    dynamo(f.fail, ['PutItem', 'DeleteItem']);
    listUploads(f.single);
    allow(f.single, ['s3:GetObject'], [objects(UPLOAD_PREFIX)]);
    allow(f.single, ['s3:PutObject'], [objects(REPORT_PREFIX)]);
    dynamo(f.single, ['GetItem', 'PutItem', 'DeleteItem', 'ConditionCheckItem', 'Query', 'BatchWriteItem']);

    // --- states ----------------------------------------------------------------------------------
    const retry = (task: sfn.TaskStateBase, interval = Duration.seconds(2)) =>
      task.addRetry({ errors: ['States.ALL'], interval, maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    const invoke = (id: string, lambdaFunction: NodejsFunction, payload: Record<string, unknown>, resultPath: string) =>
      new tasks.LambdaInvoke(this, id, { lambdaFunction, payload: sfn.TaskInput.fromObject(payload), payloadResponseOnly: true, resultPath, retryOnServiceExceptions: true });

    const failed = new sfn.Fail(this, 'RunFailed', { error: 'FanoutFailed', cause: 'A step failed after its retries; the run item says why' });
    const recordFailure = invoke('RecordFailure', f.fail, { 'run.$': '$.run', 'error.$': '$.error' }, '$.outcome');
    retry(recordFailure);
    recordFailure.addCatch(failed, { resultPath: '$.recordError' });
    recordFailure.next(failed);
    const catchAll = (state: sfn.TaskStateBase | sfn.DistributedMap) => state.addCatch(recordFailure, { resultPath: '$.error' });

    const plan = invoke('Plan', f.plan, { 'dataset.$': '$.dataset', 'asOf.$': '$.asOf', 'trigger.$': '$.trigger', 'owner.$': '$$.Execution.Name' }, '$.run');
    // Another run holds the dataset: wait for it (its lease lasts at most the state machine's time-out).
    plan.addRetry({ errors: ['DatasetBusyError'], interval: Duration.seconds(30), maxAttempts: 30, backoffRate: 1.5, maxDelay: Duration.minutes(5), jitterStrategy: sfn.JitterType.FULL });
    retry(plan);
    plan.addCatch(failed, { resultPath: '$.error' }); // no lease taken, no run to record

    /** A Distributed Map over a JSON array the plan wrote to S3; a failed item fails the map, and its catch the run. */
    const distributed = (id: string, keyPath: string, task: tasks.LambdaInvoke, maxConcurrency: number) => {
      retry(task);
      task.addCatch(new sfn.Fail(this, `${id}ItemFailed`, { errorPath: '$.error.Error', causePath: '$.error.Cause' }), { resultPath: '$.error' });
      const map = new sfn.DistributedMap(this, id, {
        itemReader: new sfn.S3JsonItemReader({ bucketNamePath: sfn.JsonPath.stringAt('$.run.bucket'), key: sfn.JsonPath.stringAt(keyPath) }),
        itemSelector: { 'run.$': '$.run', 'item.$': '$$.Map.Item.Value' },
        maxConcurrency,
        resultPath: sfn.JsonPath.DISCARD,
        label: id,
      });
      map.itemProcessor(task);
      catchAll(map);
      return map;
    };
    const item = { 'run.$': '$.run', 'item.$': '$.item' };
    const shards = distributed('Shards', '$.run.manifestKey', invoke('ReadShard', f.shard, item, '$.result'), SHARD_CONCURRENCY);
    const merges = distributed('Partitions', '$.run.partitionsKey', invoke('MergePartition', f.merge, item, '$.result'), SHARD_CONCURRENCY);
    const writes = distributed('Writes', '$.run.partitionsKey', invoke('WritePartition', f.write, item, '$.result'), WRITE_CONCURRENCY);
    const score = invoke('Score', f.score, { 'run.$': '$.run' }, '$.scored');
    retry(score, Duration.seconds(10));
    catchAll(score);
    const finish = invoke('Finish', f.finish, { 'run.$': '$.run' }, '$.outcome');
    retry(finish);
    catchAll(finish);
    const single = invoke('ScoreInOneFunction', f.single, { 'run.$': '$.run' }, '$.outcome');
    retry(single, Duration.seconds(30));
    catchAll(single);
    const done = new sfn.Succeed(this, 'Done');

    const definition = plan.next(new sfn.Choice(this, 'LargeEnough')
      .when(sfn.Condition.stringEquals('$.run.mode', 'single'), single.next(done))
      .otherwise(shards.next(merges).next(score).next(new sfn.Choice(this, 'Scored')
        // A run failed by its input is already recorded: nothing to write, finish releases the lease.
        .when(sfn.Condition.stringEquals('$.scored.status', 'succeeded'), writes.next(finish))
        .otherwise(finish))));
    finish.next(done);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    // The item readers get the bucket from the state, so the reader adds no policy of its own: only runs/ is readable.
    allow(this.stateMachine, ['s3:GetObject'], [objects(RUN_PREFIX)]);

    // --- cdk-nag findings accepted, each on the construct it concerns ------------------------------
    const stack = this.stateMachine.stack;
    const bucketArn = `<${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const ack = (scope: Construct, ids: string[], reason: string) => { for (const id of ids) Validations.of(scope).acknowledge({ id, reason }); };
    const wildcard = (prefix: string) => `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`;
    for (const [stage, fnc] of Object.entries(f)) {
      ack(fnc, ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]'], 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.');
      ack(fnc, ['AwsSolutions-IAM5[Resource::*]'], 'Only xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing), which have no resource-level permissions.');
      ack(fnc, ['AwsSolutions-L1'], 'nodejs22.x is the runtime the project builds and tests for (esbuild target node22); raise it deliberately, not implicitly.');
      const reads = { plan: [], shard: [UPLOAD_PREFIX, RUN_PREFIX], merge: [RUN_PREFIX], score: [UPLOAD_PREFIX, RUN_PREFIX, REPORT_PREFIX], write: [RUN_PREFIX], finish: [RUN_PREFIX], fail: [], single: [UPLOAD_PREFIX, REPORT_PREFIX] }[stage] ?? [];
      if (stage === 'plan') ack(fnc, [wildcard(RUN_PREFIX), `AwsSolutions-IAM5[Resource::${bucketArn}/${UPLOAD_PREFIX}*/profile.json]`], 'The plan reads the datasets\' profile.json files and writes its run\'s objects under runs/ only.');
      if (reads.length) ack(fnc, reads.map(wildcard), 'Objects under the prefixes this stage reads or writes only (uploads/ sources, runs/ intermediates, reports/ outputs): the keys are per dataset and run.');
    }
    ack(this.stateMachine, ['AwsSolutions-IAM5[Resource::*]'], 'X-Ray tracing and CloudWatch Logs delivery actions of the state machine have no resource-level permissions.');
    ack(this.stateMachine, [wildcard(RUN_PREFIX)], 'The Distributed Maps read their item lists (shard and partition lists) from the run\'s objects under runs/ only.');
    const machine = stack.getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    // cdk-nag names the region and account as the stack resolves them (a pinned env, or the deploy-time tokens).
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const executions = `arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
    ack(this.stateMachine, ['', '/Shards', '/Partitions', '/Writes'].map((m) => `AwsSolutions-IAM5[Resource::${executions}${m}:*]`),
      'The Distributed Maps describe and stop their own child executions and map runs, whose names exist only once the run starts; nothing outside this state machine.');
    for (const fnc of Object.values(f)) {
      const arn = `<${stack.getLogicalId(fnc.node.defaultChild as import('aws-cdk-lib/aws-lambda').CfnFunction)}.Arn>`;
      ack(this.stateMachine, [`AwsSolutions-IAM5[Resource::${arn}:*]`], 'The state machine may invoke any version of its own stage functions, and nothing else.');
    }
  }
}
