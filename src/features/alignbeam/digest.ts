// The alignbeam link digests live beside the experiment runner (core/experiments/runners/alignbeamDigest.ts), so a
// run record's moduleDigest and a share link's digest are one formula.
export { bridgeDigest, playgroundDigest, qualityOf, sweepDigest } from '../../core/experiments/runners/alignbeamDigest';
