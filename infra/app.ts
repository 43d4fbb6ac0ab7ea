/** CDK app: `npx cdk synth` / `npx cdk deploy`. Settings come from context (-c key=value or cdk.json). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PyramidStack } from './stack.ts';

const app = new App();
const ctx = (key: string) => app.node.tryGetContext(key) as string | undefined;
const [hour, minute] = (ctx('schedule') ?? '02:00').split(':').map(Number);

new PyramidStack(app, ctx('stackName') ?? 'CustomerPyramid', {
  schedule: { hour, minute },
  timeZone: ctx('timeZone') ?? 'Asia/Shanghai',
  memorySize: ctx('memorySize') ? Number(ctx('memorySize')) : undefined,
  profiles: ctx('profiles') ? (typeof ctx('profiles') === 'string' ? JSON.parse(ctx('profiles')!) : ctx('profiles')) : undefined,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
