'use strict';
// The fixed world every random case lives in: accounts, an organization tree,
// principals, resources and the actions that act on them.

const ORG_ID = 'o-abcd123456';
const ROOT_ID = 'r-ab12';
const A1 = '111111111111'; // member account under ou prod
const A2 = '222222222222'; // member account under ou dev/sandbox
const A3 = '333333333333'; // outside the organization
const MGMT = '999999999999'; // management account

const OU_PROD = 'ou-ab12-11111111';
const OU_DEV = 'ou-ab12-22222222';
const OU_SANDBOX = 'ou-ab12-33333333';

// Node shape of the tree; policies are attached per case.
const TREE = {
  id: ROOT_ID,
  name: 'root',
  children: [
    { id: OU_PROD, name: 'prod', children: [{ id: A1, name: 'prod-a1' }] },
    {
      id: OU_DEV,
      name: 'dev',
      children: [{ id: OU_SANDBOX, name: 'sandbox', children: [{ id: A2, name: 'sandbox-a2' }] }]
    },
    { id: MGMT, name: 'management' }
  ]
};

const ACCOUNTS = [A1, A2, A3, MGMT];

// Path of node ids from the root down to the account (inclusive), or null.
function pathTo(tree, account) {
  if (tree.id === account) return [tree];
  for (const c of tree.children || []) {
    const p = pathTo(c, account);
    if (p) return [tree, ...p];
  }
  return null;
}

function orgPathString(account) {
  const p = pathTo(TREE, account);
  if (!p) return null;
  // o-id/r-id/ou-…/ : the org id, then the root and OU ids down to the parent
  return `${ORG_ID}/` + p.slice(0, -1).map((n) => n.id + '/').join('');
}

const USERS = ['alice', 'bob'];
const ROLES = [
  { name: 'Analyst', path: '/team/' },
  { name: 'Admin', path: '/' },
  { name: 'deploy', path: '/ci/' }
];
const SESSIONS = ['alice', 'ci-run'];
const SERVICES = ['s3.amazonaws.com', 'lambda.amazonaws.com', 'sns.amazonaws.com', 'events.amazonaws.com'];
const PROVIDERS = ['cognito-identity.amazonaws.com', 'accounts.google.com'];
const REGIONS = ['us-east-1', 'eu-west-1'];

const TAG_VALUES = {
  team: ['payments', 'data', 'Payments'],
  env: ['prod', 'dev']
};

// Resource templates: arn(account, rng) and the actions that act on them.
// `rp` says whether a resource policy exists for that kind of resource.
const RESOURCES = [
  {
    type: 's3-object',
    rp: true,
    arn: (acct, rng) =>
      `arn:aws:s3:::bucket-${acct.slice(0, 1)}/${rng.pick(['home/alice/', 'home/bob/', 'reports/', ''])}${rng.pick([
        'q3.csv',
        'data.json'
      ])}`,
    s3: true,
    actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectTagging']
  },
  {
    type: 's3-bucket',
    rp: true,
    arn: (acct) => `arn:aws:s3:::bucket-${acct.slice(0, 1)}`,
    s3: true,
    actions: ['s3:ListBucket', 's3:GetBucketPolicy', 's3:PutBucketPolicy']
  },
  {
    type: 'sqs-queue',
    rp: true,
    arn: (acct, rng) => `arn:aws:sqs:${rng.pick(REGIONS)}:${acct}:queue-${rng.pick(['a', 'b'])}`,
    actions: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteQueue']
  },
  {
    type: 'sns-topic',
    rp: true,
    arn: (acct, rng) => `arn:aws:sns:${rng.pick(REGIONS)}:${acct}:topic-${rng.pick(['a', 'b'])}`,
    actions: ['sns:Publish', 'sns:Subscribe']
  },
  {
    type: 'kms-key',
    rp: true,
    kind: 'kms-key',
    arn: (acct, rng) =>
      `arn:aws:kms:${rng.pick(REGIONS)}:${acct}:key/${rng.pick([
        '1234abcd-12ab-34cd-56ef-1234567890ab',
        '0987dcba-09fe-87dc-65ba-ab0987654321'
      ])}`,
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ScheduleKeyDeletion']
  },
  {
    type: 'iam-role',
    rp: true,
    kind: 'iam-role',
    arn: (acct, rng) => {
      const r = rng.pick(ROLES);
      return `arn:aws:iam::${acct}:role${r.path}${r.name}`;
    },
    actions: ['sts:AssumeRole', 'sts:TagSession']
  },
  {
    type: 'iam-role-admin',
    rp: false,
    arn: (acct, rng) => {
      const r = rng.pick(ROLES);
      return `arn:aws:iam::${acct}:role${r.path}${r.name}`;
    },
    actions: ['iam:GetRole', 'iam:PassRole', 'iam:DeleteRole']
  },
  {
    type: 'secret',
    rp: true,
    arn: (acct, rng) => `arn:aws:secretsmanager:${rng.pick(REGIONS)}:${acct}:secret:db-${rng.pick(['prod', 'dev'])}-AbCdEf`,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']
  },
  {
    type: 'lambda-function',
    rp: true,
    arn: (acct, rng) => `arn:aws:lambda:${rng.pick(REGIONS)}:${acct}:function:fn-${rng.pick(['a', 'b'])}`,
    actions: ['lambda:InvokeFunction', 'lambda:GetFunction']
  },
  {
    type: 'dynamodb-table',
    rp: false,
    arn: (acct, rng) => `arn:aws:dynamodb:${rng.pick(REGIONS)}:${acct}:table/orders`,
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem']
  },
  {
    type: 'ec2-instance',
    rp: false,
    arn: (acct, rng) => `arn:aws:ec2:${rng.pick(REGIONS)}:${acct}:instance/i-0abc${rng.pick(['1', '2'])}`,
    actions: ['ec2:StartInstances', 'ec2:TerminateInstances']
  },
  {
    type: 'wildcard-only',
    rp: false,
    arn: () => '*',
    actions: ['s3:ListAllMyBuckets', 'ec2:DescribeInstances', 'iam:ListRoles', 'sts:GetCallerIdentity']
  }
];

// Actions a policy may name that the request will not use.
const OTHER_ACTIONS = ['s3:GetObject', 'sqs:SendMessage', 'kms:Decrypt', 'iam:CreateUser', 'ec2:RunInstances', 'sts:AssumeRole'];

module.exports = {
  ORG_ID,
  ROOT_ID,
  A1,
  A2,
  A3,
  MGMT,
  OU_PROD,
  OU_DEV,
  OU_SANDBOX,
  TREE,
  ACCOUNTS,
  pathTo,
  orgPathString,
  USERS,
  ROLES,
  SESSIONS,
  SERVICES,
  PROVIDERS,
  REGIONS,
  TAG_VALUES,
  RESOURCES,
  OTHER_ACTIONS
};
