package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// ProvisioningLogQuery filters GET /auditLogs/provisioning.
type ProvisioningLogQuery struct {
	ServicePrincipalID string
	JobID              string
	ChangeID           string
	SubjectID          string
	Status             string // success|failure|skipped|warning
	Action             string // create|update|delete|disable|other|stagedDelete
	Since, Until       string // RFC 3339 timestamps (exclusive)
	After              string // RFC 3339 timestamp (exclusive), for correlation
	Top                int    // page size
	Limit              int    // total entries; 0 = all pages
}

// Filter builds the OData $filter (literals quoted, dates unquoted as the
// documented examples show).
func (q ProvisioningLogQuery) Filter() string {
	var parts []string
	add := func(field, v string) {
		if v != "" {
			parts = append(parts, field+" eq "+QuoteODataString(v))
		}
	}
	add("servicePrincipal/id", q.ServicePrincipalID)
	add("jobid", q.JobID)
	add("changeid", q.ChangeID)
	add("sourceIdentity/id", q.SubjectID)
	add("provisioningStatusInfo/status", q.Status)
	add("provisioningAction", q.Action)
	if q.Since != "" {
		parts = append(parts, "activityDateTime gt "+q.Since)
	}
	if q.After != "" {
		parts = append(parts, "activityDateTime gt "+q.After)
	}
	if q.Until != "" {
		parts = append(parts, "activityDateTime lt "+q.Until)
	}
	return strings.Join(parts, " and ")
}

// values is the query string of q: newest first, filtered, paged.
func (q ProvisioningLogQuery) values() url.Values {
	v := url.Values{"$orderby": {"activityDateTime desc"}}
	if f := q.Filter(); f != "" {
		v.Set("$filter", f)
	}
	if q.Top > 0 {
		v.Set("$top", fmt.Sprint(q.Top))
	}
	return v
}

// ProvisioningLogs lists provisioning-log entries as Graph orders them
// (asked newest first), with each entry's JSON as received: raws[i] is
// entries[i].
func (c *Client) ProvisioningLogs(ctx context.Context, q ProvisioningLogQuery) (entries []ProvisioningObjectSummary, raws []json.RawMessage, err error) {
	raws, err = List[json.RawMessage](ctx, c, "auditLogs/provisioning", q.values(), nil, q.Limit)
	if err != nil {
		return nil, nil, err
	}
	entries = make([]ProvisioningObjectSummary, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &entries[i]); err != nil {
			return nil, nil, &DecodeError{Err: fmt.Errorf("provisioning log entry %d: %w", i, err)}
		}
	}
	return entries, raws, nil
}
