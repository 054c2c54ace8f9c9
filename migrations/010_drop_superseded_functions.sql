-- Functions nothing calls any more. axme_claim_candidate (007) was kept by 008 for
-- instances of the release before it during a rolling upgrade; every release since
-- claims through axme_claim_candidates (008). axme_concurrency_slot_free (002) was
-- called only by axme_claim_candidate: 008 takes the key's advisory lock itself.
-- Rolling upgrade: an instance older than 008 still claiming while this runs would
-- fail its claims, so move every instance to a release with 008 before this one.
drop function if exists axme_claim_candidate(text, text[], timestamptz);
drop function if exists axme_concurrency_slot_free(text, text, int);
