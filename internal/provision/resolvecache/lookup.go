package resolvecache

// ServicePrincipal returns the cached service principal for ref as the
// user typed it (display name, appId or object id; case and surrounding
// spaces ignored), when younger than the TTL.
func (c *Cache) ServicePrincipal(ref string) (SP, bool) {
	e, ok := c.find(kindSP, norm(ref))
	if !ok {
		return SP{}, false
	}
	return SP{ID: e.ID, AppID: e.AppID, DisplayName: e.Name}, true
}

// Job returns the job id cached for (spID, ref), ref being a template id
// such as "BoxOutDelta" or "" for the app's only job.
func (c *Cache) Job(spID, ref string) (string, bool) {
	e, ok := c.find(kindJob, jobKey(spID, ref))
	// The entry's own sp guards against two (sp, ref) pairs sharing a key.
	if !ok || norm(e.SP) != norm(spID) {
		return "", false
	}
	return e.ID, true
}

// Verified reports whether Graph has shown (spID, jobID) to exist within
// the TTL, so a command may skip checking it.
func (c *Cache) Verified(spID, jobID string) bool {
	e, ok := c.find(kindVerified, pairKey(spID, jobID))
	return ok && norm(e.SP) == norm(spID) && norm(e.ID) == norm(jobID)
}

// ApplyAbsent reports whether Graph answered, within the TTL, that this
// tenant has no apply. resource, so polls may read the logs directly.
func (c *Cache) ApplyAbsent() bool {
	_, ok := c.find(kindApplyAbsent, "")
	return ok
}

// find returns this scope's fresh entry (kind, key), unless the cache is
// disabled or refreshing.
func (c *Cache) find(kind, key string) (entry, bool) {
	if c.disabled() {
		return entry{}, false
	}
	c.mu.RLock()
	data, refresh := c.data, c.refresh
	c.mu.RUnlock()
	if refresh {
		return entry{}, false
	}
	// data is never modified once set (writes replace it): search unlocked.
	e, ok := findLine(data, c.key, kind, key)
	if !ok || !c.fresh(e.At, c.now().Unix()) {
		return entry{}, false
	}
	return e, true
}
