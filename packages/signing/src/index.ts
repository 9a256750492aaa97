export { buildSignatureBase, compareCodePoints } from './build-signature-base.js';
export { sign, signFields } from './sign.js';
export { verify, type VerifyFailure, type VerifyResult } from './verify.js';
export { parseSignedBody, type ParsedBody } from './parse-signed-body.js';
export { verifyRawBody, type RawBodyVerification } from './verify-raw-body.js';
