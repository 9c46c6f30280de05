package graph

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// The synchronization endpoints of a service principal:
// /servicePrincipals/{sp}/synchronization/jobs[/{job}[/…]]. Ids are
// path-escaped here; callers validate them first (ValidateID).

// syncPath is the path of a service principal's synchronization resource
// followed by segs.
func syncPath(spID string, segs ...string) string {
	return Path(append([]string{"servicePrincipals", spID, "synchronization"}, segs...)...)
}

// ListJobs lists the synchronization jobs of a service principal, all pages.
func (c *Client) ListJobs(ctx context.Context, spID string) ([]SynchronizationJob, error) {
	return List[SynchronizationJob](ctx, c, syncPath(spID, "jobs"), nil, nil, 0)
}

// GetJob reads one synchronization job.
func (c *Client) GetJob(ctx context.Context, spID, jobID string) (*SynchronizationJob, error) {
	var j SynchronizationJob
	if err := c.Get(ctx, syncPath(spID, "jobs", jobID), nil, &j); err != nil {
		return nil, err
	}
	return &j, nil
}

// GetApplyResource reads a job's on-demand outcome resource,
// GET …/jobs/apply.{jobId}; its Raw is the answer as received. An answer
// that is not a JSON object (null included) is a *DecodeError, never an
// empty, "pending" resource.
func (c *Client) GetApplyResource(ctx context.Context, spID, jobID string) (*ApplyResource, error) {
	// Content-Type is documented as a required header of this GET.
	hdr := http.Header{"Content-Type": {"application/json"}}
	resp, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: syncPath(spID, "jobs", "apply."+jobID), Header: hdr})
	if err != nil {
		return nil, err
	}
	var res ApplyResource
	if err := DecodeObject(resp, &res); err != nil {
		return nil, err
	}
	res.Raw = resp.Body
	return &res, nil
}

// GetSchema reads a job's synchronization schema (its rules).
func (c *Client) GetSchema(ctx context.Context, spID, jobID string) (*Schema, error) {
	var s Schema
	if err := c.Get(ctx, syncPath(spID, "jobs", jobID, "schema"), nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// StartJob starts a paused job, or clears its quarantine (Graph answers 204).
func (c *Client) StartJob(ctx context.Context, spID, jobID string) error {
	return c.Post(ctx, syncPath(spID, "jobs", jobID, "start"), nil, nil)
}

// PauseJob pauses a job, keeping its state (Graph answers 204).
func (c *Client) PauseJob(ctx context.Context, spID, jobID string) error {
	return c.Post(ctx, syncPath(spID, "jobs", jobID, "pause"), nil, nil)
}

// RestartJob restarts a job. resetScope, when not empty, is sent as
// {"criteria":{"resetScope":…}} (e.g. "Watermark, Escrows"); empty sends
// no body (Graph answers 204).
func (c *Client) RestartJob(ctx context.Context, spID, jobID, resetScope string) error {
	var body any
	if resetScope != "" {
		body = map[string]any{"criteria": map[string]string{"resetScope": resetScope}}
	}
	return c.Post(ctx, syncPath(spID, "jobs", jobID, "restart"), body, nil)
}

// OnDemandResponse is a provisionOnDemand answer with what matching it to
// its provisioning-log entry needs.
type OnDemandResponse struct {
	Answer *OnDemandAnswer
	// Raw is the answer as received.
	Raw json.RawMessage
	// Date is the answer's Date header: the time on Graph's clock.
	Date string
	// Sent and Received are, on the local clock, when the request was
	// about to be sent and when its answer had been read.
	Sent, Received time.Time
}

// ProvisionOnDemand sends one provisionOnDemand request. A POST is never
// repeated after Graph may have acted on it, and an answer that cannot be
// read says the request may have been applied (see MaybeAppliedError).
func (c *Client) ProvisionOnDemand(ctx context.Context, spID, jobID string, req OnDemandRequest) (*OnDemandResponse, error) {
	sent := time.Now()
	resp, err := c.Do(ctx, &Request{Method: http.MethodPost, Path: syncPath(spID, "jobs", jobID, "provisionOnDemand"), Body: req})
	if err != nil {
		return nil, err
	}
	var pair StringKeyStringValuePair
	if err := DecodeObject(resp, &pair); err != nil {
		return nil, err
	}
	ans, err := DecodeOnDemand(pair)
	if err != nil {
		return nil, NewDecodeError(resp, err)
	}
	return &OnDemandResponse{Answer: ans, Raw: resp.Body, Date: resp.Header.Get("Date"), Sent: sent, Received: time.Now()}, nil
}
