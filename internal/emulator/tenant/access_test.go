package tenant

import (
	"errors"
	"sync"
	"testing"
	"time"
)

const (
	sfSP  = "2c6f4a1e-8d3b-4e7a-9f15-b0c2d4e6f801"
	sfJob = "SfSandboxOutDelta.e4bbf44533ea4eabb17027f3a92e92aa"
)

func newTestDirectory(t *testing.T) *Directory {
	t.Helper()
	f, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	return New(f, time.Now())
}

func code(d *Directory, j *JobState) any {
	return d.JobJSON(j)["status"].(map[string]any)["code"]
}

func TestJobTransitions(t *testing.T) {
	d := newTestDirectory(t)
	j := d.LookupSP(sfSP, false).Job(sfJob)
	if j == nil {
		t.Fatal("no Salesforce job")
	}
	if code(d, j) != "Quarantine" {
		t.Fatalf("seeded code = %v", code(d, j))
	}
	// A scope that does not clear quarantine leaves the job quarantined.
	if err := d.RestartJob(j, "Watermark"); err != nil {
		t.Fatal(err)
	}
	if code(d, j) != "Quarantine" {
		t.Errorf("after Watermark restart: %v", code(d, j))
	}
	var bad *InvalidScopeError
	if err := d.RestartJob(j, "Full, Bogus"); !errors.As(err, &bad) || bad.Part != "Bogus" {
		t.Errorf("invalid scope: %v", err)
	}
	if err := d.RestartJob(j, "quarantinestate"); err != nil || code(d, j) != "Active" {
		t.Errorf("QuarantineState restart: %v, code %v", err, code(d, j))
	}
	d.PauseJob(j)
	if code(d, j) != "Paused" {
		t.Errorf("paused: %v", code(d, j))
	}
	d.StartJob(j)
	if code(d, j) != "Active" {
		t.Errorf("started: %v", code(d, j))
	}
}

func TestApplyOutcomeAndConfig(t *testing.T) {
	d := newTestDirectory(t)
	sp := d.LookupSP(sfSP, false)
	pending := 0
	if err := d.SetOutcome(sfJob, &pending, "success", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := d.SetOutcome("nope", nil, "", time.Now()); !errors.Is(err, ErrNoJob) {
		t.Errorf("unknown job: %v", err)
	}
	body, err := d.ApplyOutcome(sp, sfJob)
	if err != nil || body["status"].(map[string]any)["code"] != "Active" {
		t.Fatalf("apply outcome = %v, %v", body, err)
	}
	if _, err := d.ApplyOutcome(sp, "nope"); !errors.Is(err, ErrNoJob) {
		t.Errorf("unknown job: %v", err)
	}
	prof := ProfileReal
	c := d.Configure(ConfigChange{Profile: &prof})
	if c.ApplyResource || c.LogLag != RealLogLag {
		t.Errorf("real profile config = %+v", c)
	}
	if _, err := d.ApplyOutcome(sp, sfJob); !errors.Is(err, ErrApplyResourceOff) {
		t.Errorf("real profile: %v", err)
	}
}

// TestDirectoryLocksItself runs concurrent readers and writers; with -race
// it fails if any method touches state without the directory's lock.
func TestDirectoryLocksItself(t *testing.T) {
	d := newTestDirectory(t)
	j := d.LookupSP(sfSP, false).Job(sfJob)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				switch i % 4 {
				case 0:
					d.StartJob(j)
					d.PauseJob(j)
				case 1:
					_ = d.JobJSON(j)
					_ = d.ProvisioningLogs(time.Now(), nil, i%2 == 0)
				case 2:
					_, _ = d.AdmitOnDemand(j, time.Now())
					_, _ = d.ProvisionUser(j, d.Users()[0].ID, Initiator{Kind: "system"}, time.Now())
				case 3:
					_, _ = d.ApplyOutcome(j.SP(), sfJob)
					lag := time.Second
					d.Configure(ConfigChange{LogLag: &lag})
				}
			}
		}()
	}
	wg.Wait()
}
