// The circuits link digests live beside the experiment runner (core/experiments/runners/circuitsDigest.ts), so a
// run record's moduleDigest and a share link's digest are one formula.
export { attentionPayload, digestOf, graphPayload, lensPayload, probesPayload } from '../../core/experiments/runners/circuitsDigest';
