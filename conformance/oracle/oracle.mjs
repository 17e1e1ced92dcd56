// Conformance oracle for kmsguard (test tool only; not part of kmsguard).
//
// Reads kmsguard decision questions (docs/decision-format.md) as JSON Lines
// on stdin and writes one line per question on stdout:
//
//   {"id": ..., "decision": "Allowed"|"ExplicitlyDenied"|"ImplicitlyDenied"|"Error", "detail": ...}
//
// Each question is answered by @cloud-copilot/iam-simulate (AGPL-3.0), which
// `npm ci` installs into this folder. The package is only run here, as a
// separate process; none of its code is copied into or linked with kmsguard.
//
// The translation applies the workarounds of iam-simulate-notes.md:
//   * runUnsafeSimulation, because runSimulation drops kms:EncryptionContext:*
//     context keys; it leaves RCPFullAWSAccess out, so every RCP level gets an
//     Allow-all policy here (AWS attaches RCPFullAWSAccess at every level).
//   * booleans and numbers in the context are given as strings.
//   * a root-user caller gets an allow-all identity policy (AWS does not
//     subject the root user to IAM's implicit deny).
//   * no SCPs for service principals (SCPs govern IAM principals of member
//     accounts only).
//   * no RCPs for service-linked roles (Organizations: RCPs do not restrict
//     actions performed by service-linked roles).
//   * only the Deny statements of identity policies for a federated-user
//     session that has no session policy (IAM "Session policies": such a session has no permissions
//     except through a resource policy that names it).
//   * the simulator derives no request context, so the questions carry every
//     derived key (aws:PrincipalArn, ...) explicitly; they are passed through.
//     The keys every KMS request has (aws:SecureTransport, aws:CurrentTime and
//     aws:EpochTime from request_time, kms:MultiRegion from the key id,
//     kms:EncryptionAlgorithm's default) are filled in when a question
//     leaves them out.

import { createInterface } from 'node:readline'
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

const ALLOW_ALL = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }]
}

const UNSUPPORTED = ['session_policy', 'vpc_endpoint_policy', 'grants']

function doc(p) {
  return typeof p === 'string' ? JSON.parse(p) : p
}

// denyOnly keeps a policy's Deny statements: they still apply to a session
// whose identity policies allow nothing.
function denyOnly(p) {
  const st = Array.isArray(p.Statement) ? p.Statement : [p.Statement]
  return { ...p, Statement: st.filter((s) => s && s.Effect === 'Deny') }
}

function isServicePrincipal(p) {
  return /\.amazonaws\.com(\.cn)?$/.test(p) && !p.startsWith('arn:')
}

function isRoot(p) {
  return /^\d{12}$/.test(p) || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(p)
}

function contextValue(v) {
  if (Array.isArray(v)) return v.map((x) => String(x))
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return String(v)
}

// translate returns the iam-simulate simulation for a kmsguard question and
// the list of workarounds applied to it (reported as the answer's detail).
function translate(q) {
  const notes = []
  for (const f of UNSUPPORTED) {
    if (q[f] !== undefined && q[f] !== null && !(Array.isArray(q[f]) && q[f].length === 0)) {
      throw new Error(`${f} is not supported by the oracle`)
    }
  }
  let principal = String(q.principal)
  if (/^\d{12}$/.test(principal)) principal = `arn:aws:iam::${principal}:root`
  const service = isServicePrincipal(principal)
  const root = isRoot(principal)
  const resource = String(q.resource)
  const resourceAccount = resource.split(':')[4]

  const federated = /^arn:aws[a-z-]*:sts::\d{12}:federated-user\//.test(principal)
  const identityPolicies = (q.identity_policies ?? []).map((p, i) => ({
    name: `identity_policy_${i}`,
    policy: federated ? denyOnly(doc(p)) : doc(p)
  }))
  if (federated && (q.identity_policies ?? []).length > 0) notes.push('federated-user session without a session policy: only Deny statements of identity policies kept')
  if (root) {
    identityPolicies.push({ name: 'root_user_implicit', policy: ALLOW_ALL })
    notes.push('root user: allow-all identity policy added')
  }

  if (service && (q.scps ?? []).length > 0) notes.push('service principal: SCPs left out')
  const serviceControlPolicies = service
    ? []
    : (q.scps ?? []).map((level, i) => ({
        orgIdentifier: `scp-level-${i}`,
        policies: level.map((p, j) => ({ name: `scp_${i}_${j}`, policy: doc(p) }))
      }))
  const slr = principal.includes(':role/aws-service-role/')
  if (slr && (q.rcps ?? []).length > 0) notes.push('service-linked role: RCPs left out')
  const resourceControlPolicies = (slr ? [] : q.rcps ?? []).map((level, i) => ({
    orgIdentifier: `rcp-level-${i}`,
    policies: [
      { name: 'RCPFullAWSAccess', policy: ALLOW_ALL },
      ...level.map((p, j) => ({ name: `rcp_${i}_${j}`, policy: doc(p) }))
    ]
  }))

  const contextVariables = {}
  for (const [k, v] of Object.entries(q.context ?? {})) contextVariables[k] = contextValue(v)

  // The keys AWS puts in every KMS request, which kmsguard fills in from its
  // catalog (request_context) and the simulator does not: given here when
  // the question leaves them out.
  const has = (k) => Object.keys(contextVariables).some((x) => x.toLowerCase() === k.toLowerCase())
  const fill = (k, v) => {
    if (!has(k)) contextVariables[k] = v
  }
  if (typeof q.request_time === 'string') {
    const secs = Math.floor(Date.parse(q.request_time) / 1000)
    fill('aws:CurrentTime', new Date(secs * 1000).toISOString().replace('.000Z', 'Z'))
    fill('aws:EpochTime', String(secs))
  }
  // All KMS API calls are transmitted using TLS.
  fill('aws:SecureTransport', 'true')
  // Multi-Region key ids begin with mrk-.
  fill('kms:MultiRegion', (resource.split('/')[1] ?? '').startsWith('mrk-') ? 'true' : 'false')
  // Data keys are encrypted under a symmetric key; Encrypt, Decrypt and
  // ReEncrypt default to SYMMETRIC_DEFAULT (the questions give no
  // asymmetric key spec).
  const symmetricDefault = ['encrypt', 'decrypt', 'reencryptfrom', 'reencryptto', 'generatedatakey',
    'generatedatakeywithoutplaintext', 'generatedatakeypair', 'generatedatakeypairwithoutplaintext']
  if (symmetricDefault.includes(String(q.action).toLowerCase().replace(/^kms:/, ''))) {
    fill('kms:EncryptionAlgorithm', 'SYMMETRIC_DEFAULT')
  }

  const sim = {
    request: {
      principal,
      action: String(q.action),
      resource: { resource, accountId: resourceAccount },
      contextVariables
    },
    identityPolicies,
    serviceControlPolicies,
    resourceControlPolicies,
    // runUnsafeSimulation loads the resource policy without metadata and then
    // reads its name; a ValidatedPolicy (iam-policy's public shape) carries one.
    resourcePolicy: {
      __validated: true,
      policyDocument: doc(q.key_policy),
      metadata: { name: 'key_policy' },
      errors: []
    }
  }
  if (q.permissions_boundary) {
    sim.permissionBoundaryPolicies = [{ name: 'permissions_boundary', policy: doc(q.permissions_boundary) }]
  }
  return { sim, notes }
}

function answer(line) {
  let q
  try {
    q = JSON.parse(line)
  } catch (e) {
    return { id: null, decision: 'Error', detail: `bad JSON: ${e.message}` }
  }
  const id = q.id ?? null
  try {
    const { sim, notes } = translate(q)
    // runUnsafeSimulation returns the bare decision string.
    const decision = runUnsafeSimulation(sim, {})
    if (!['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied'].includes(decision)) {
      return { id, decision: 'Error', detail: `unexpected result ${JSON.stringify(decision)}` }
    }
    return { id, decision, detail: notes.length > 0 ? notes.join('; ') : null }
  } catch (e) {
    return { id, decision: 'Error', detail: String(e?.message ?? e) }
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
const out = []
for await (const line of rl) {
  if (line.trim() === '') continue
  out.push(JSON.stringify(answer(line)))
  if (out.length >= 256) {
    process.stdout.write(out.join('\n') + '\n')
    out.length = 0
  }
}
if (out.length > 0) process.stdout.write(out.join('\n') + '\n')
