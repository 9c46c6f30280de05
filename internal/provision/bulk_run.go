package provision

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/provctl/provctl/internal/graph"
)

// BulkResult is what a run over a list of users did.
type BulkResult struct {
	// Outcomes of this run, in the order the subjects were given.
	Outcomes []*Outcome
	Tally    Tally
	// Unknown users were not found in the directory and not sent.
	Unknown []SubjectRef
	// Kept are failures recorded by an earlier run and, with
	// RetryFailed false, not sent again; they count in the exit code.
	Kept []Prior
	// NotSent were still to send when the run stopped.
	NotSent []RunSubject
	// Stopped says why the run ended before every subject was sent.
	Stopped string
	// Lookups is the number of directory requests resolving users took.
	Lookups int
}

// RunBulk provisions a list of users: resolved in bulk, each sent once at
// Graph's pace, each outcome recorded (Journal, Emit, Observer) as it
// completes. With Wait, every request's own log entry is read while the
// next requests are sent. It returns what was done with any error that
// stopped it.
func (s *Service) RunBulk(ctx context.Context, r RunRequest) (*BulkResult, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	res := &BulkResult{}
	sp, jobID, subjects, err := s.resolveBulk(ctx, r, res)
	if err != nil {
		return res, err
	}
	b := &bulk{s: s, r: r, spID: sp.ID, jobID: jobID, res: res, order: map[*Outcome]int{}}
	send := b.sort(subjects)
	if b.pace, err = b.pacer(); err != nil {
		return res, err
	}
	if r.Budget != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Budget(len(send)+len(b.recheck)))
		defer cancel()
	}
	err = b.run(ctx, send)
	b.finish()
	return res, err
}

// pacer is the run's pacing: shared by processes when the caller can.
func (b *bulk) pacer() (Pacer, error) {
	switch {
	case b.r.PacerFor != nil:
		return b.r.PacerFor(b.jobID)
	case b.r.Pacer != nil:
		return b.r.Pacer, nil
	}
	return DefaultPacing(), nil
}

// resolveBulk resolves the target and the users, bounded by the request
// timeout plus a second per lookup, however long the run will be.
func (s *Service) resolveBulk(ctx context.Context, r RunRequest, res *BulkResult) (*graph.ServicePrincipal, string, []RunSubject, error) {
	bound := cmp.Or(r.RequestTimeout, 2*time.Minute) + time.Duration((len(r.Refs)+len(r.Users))/graph.MaxInValues)*time.Second
	rctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	wrap := func(err error) error {
		if ctx.Err() == nil && rctx.Err() != nil {
			return fmt.Errorf("looking up the app, job and users took longer than %s: %w", bound, err)
		}
		return err
	}
	sp, err := s.ResolveServicePrincipal(rctx, r.SP)
	if err != nil {
		return nil, "", nil, wrap(err)
	}
	jobID, err := s.ResolveJob(rctx, sp.ID, r.Job)
	if err != nil {
		return nil, "", nil, wrap(err)
	}
	subjects, err := s.bulkSubjects(rctx, r, res)
	if err != nil {
		return nil, "", nil, wrap(err)
	}
	return sp, jobID, subjects, nil
}

// bulkSubjects resolves --user, --from and --members-of into users, in
// that order, each once; unknown users are noted (or stop the run with
// Strict).
func (s *Service) bulkSubjects(ctx context.Context, r RunRequest, res *BulkResult) ([]RunSubject, error) {
	refs := make([]SubjectRef, 0, len(r.Users)+len(r.Refs))
	for _, u := range r.Users {
		refs = append(refs, SubjectRef{Ref: u, Origin: "--user"})
	}
	refs = append(refs, r.Refs...)
	resolved, err := s.ResolveUsers(ctx, refs, r.note)
	if resolved != nil {
		res.Lookups = resolved.Lookups
	}
	if err != nil {
		return nil, err
	}
	res.Unknown = resolved.Unknown
	res.Tally.Unknown = len(resolved.Unknown)
	for _, u := range resolved.Unknown {
		r.note("%s: no user %q in the directory: not sent", u.Origin, u.Ref)
	}
	if r.Strict && len(resolved.Unknown) > 0 {
		return nil, &NotFoundError{Kind: "user", Ref: resolved.Unknown[0].Ref,
			Hint: fmt.Sprintf("%d of the users given are not in the directory (--strict); nothing was sent", len(resolved.Unknown))}
	}
	subjects := resolved.Subjects
	if r.MembersOf != "" {
		members, _, err := s.GroupUserRefs(ctx, r.MembersOf)
		if err != nil {
			return nil, err
		}
		res.Lookups += 2
		seen := map[string]bool{}
		for _, subj := range subjects {
			seen[lowerID(subj.ID)] = true
		}
		for _, m := range members {
			if seen[lowerID(m.ID)] {
				continue // already given by --user or --from
			}
			seen[lowerID(m.ID)] = true
			subjects = append(subjects, m)
		}
	}
	if len(subjects) == 0 && len(resolved.Unknown) == 0 {
		return nil, usagef("no users to provision: the file and group given are empty")
	}
	return subjects, nil
}

// bulk is one run over a list of users.
type bulk struct {
	s           *Service
	r           RunRequest
	spID, jobID string
	res         *BulkResult

	mu       sync.Mutex // guards res, order and the recorders (Journal, Emit, Observer)
	order    map[*Outcome]int
	index    map[string]int // lower-case subject id → input position
	stopSend bool           // --max-failures reached, or a recorder failed
	fatal    error          // why recording stopped the run
	recheck  []RunSubject   // sent by an earlier run, never read: read, not sent
	pace     Pacer
}

// sort removes the subjects an earlier run finished (Prior) and returns
// those to send; failures kept from the journal are counted.
func (b *bulk) sort(subjects []RunSubject) (send []RunSubject) {
	b.index = make(map[string]int, len(subjects))
	var recheck []RunSubject
	otherJob := 0
	for i, subj := range subjects {
		b.index[lowerID(subj.ID)] = i
		var (
			p  Prior
			ok bool
		)
		if b.r.Prior != nil {
			p, ok = b.r.Prior.Lookup(subj.ID, subj.Ref)
			if ok && !strings.EqualFold(p.JobID, b.jobID) {
				// A record of another app or job (a results file reused)
				// says nothing about this one.
				ok = false
				otherJob++
			}
		}
		switch {
		case !ok:
			send = append(send, subj)
		case p.State.Final() && p.State != StateFailure:
			b.res.Tally.Resumed++
		case p.State == StateFailure && !b.r.RetryFailed:
			b.res.Kept = append(b.res.Kept, p)
			b.res.Tally.Failed++
		case p.State == StatePending && !p.SentAt.IsZero() && !b.r.ResendPending:
			// Sent before and never read: look for its entry, never send twice.
			subj.resumed = &p
			recheck = append(recheck, subj)
		default:
			send = append(send, subj)
		}
	}
	if otherJob > 0 {
		b.r.note("--resume: %d users are recorded for another app or job than %s: they are sent", otherJob, b.jobID)
	}
	b.res.Tally.Total = len(send) + len(recheck)
	b.recheck = recheck
	return send
}

// run sends each subject at the pace and, with Wait, reads the log entries
// as they appear; Ctrl-C lets the request in flight finish and be recorded.
func (b *bulk) run(ctx context.Context, send []RunSubject) error {
	b.observe(func(o BulkObserver) { o.Started(b.res.Tally) })
	ruleFor := b.s.ruleChooser(b.spID, b.jobID, b.r.Rule)
	pace := b.pace
	var w *logWaiter
	if b.r.Wait || len(b.recheck) > 0 {
		w = newLogWaiter(b)
		for _, subj := range b.recheck {
			w.add(subj, b.recheckMatch(subj), nil)
		}
		go w.loop(ctx)
	}
	var sendErr error
	for i, subj := range send {
		if b.stopped() || ctx.Err() != nil {
			b.notSent(send[i:])
			break
		}
		rule, err := ruleFor(ctx, subj.Type)
		if err != nil {
			b.notSent(send[i:])
			sendErr = err
			break
		}
		if err := pace.Wait(ctx); err != nil {
			b.notSent(send[i:])
			if ctx.Err() == nil {
				sendErr = fmt.Errorf("pace the requests: %w", err)
			}
			break
		}
		sub, err := b.submit(ctx, rule, subj)
		b.answered()
		switch {
		case err != nil && subjectError(err):
			b.complete(b.failed(subj, err))
		case err != nil && graph.MayHaveBeenApplied(err):
			// Graph may have acted: record it pending with its time, so a
			// resume reads its log entry instead of sending it again.
			now := time.Now().UTC()
			o := b.placeholder(subj, now)
			o.Reason = &Reason{Code: "MaybeApplied", Message: NullString(err.Error())}
			b.complete(o)
		case err != nil && b.fatalErr() != nil:
			// The results file failed before the request: not sent.
			b.notSent(send[i:])
			sendErr = err
		case err != nil:
			// Graph refused the request for a reason that is not its
			// subject's (sign-in, permission): it fails, the rest are not
			// sent, and the error decides the exit code.
			b.complete(b.failed(subj, err))
			b.notSent(send[i+1:])
			sendErr = err
		case w != nil && b.r.Wait:
			// On disk before the next request: a kill -9 while waiting for
			// the entry must not make a resume send it again.
			b.journalSent(sub)
			w.add(subj, b.match(sub), sub.Answer)
		default:
			b.complete(sub.Answer)
		}
		if sendErr != nil {
			break
		}
		b.observe(func(o BulkObserver) { o.Sent(b.res.Tally, b.eta(len(send)-i-1)) })
	}
	var waitErr error
	if w != nil {
		w.close()
		waitErr = w.wait()
	}
	b.mu.Lock()
	fatal := b.fatal
	b.mu.Unlock()
	return cmp.Or(fatal, sendErr, waitErr, ctxErr(ctx))
}

// ctxErr is Ctrl-C (or the run's deadline) once the run has stopped.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return ErrWaitTimeout
		}
		return err
	}
	return nil
}

// submit sends one request. The request itself is not cancelled by Ctrl-C:
// once sent, its answer is worth waiting for, so the journal knows.
func (b *bulk) submit(ctx context.Context, rule string, subj RunSubject) (*Submission, error) {
	if b.journalAhead(subj) != nil {
		return nil, b.fatalErr()
	}
	timeout := cmp.Or(b.r.RequestTimeout, 2*time.Minute)
	postCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	// The note's goroutine is waited for, so no note is written after
	// submit returns (the caller's own messages would race it).
	answered, watched := make(chan struct{}), make(chan struct{})
	defer func() { close(answered); <-watched }()
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
			if ctx.Err() == context.Canceled {
				b.note("interrupted: waiting for Graph's answer to the request for %s, to record it (Ctrl-C again to quit now: the results file then holds it as sent)", subj.DisplayName)
			}
		case <-answered:
		}
	}()
	sub, err := b.s.Submit(postCtx, b.spID, b.jobID, rule, subj, nil)
	if err != nil {
		return nil, err
	}
	if sub.SubjectMismatch {
		b.note("Graph's answer for %s names another object, %s: it is shown as Graph sent it", subj.DisplayName, sub.Answer.Subject.ID)
	}
	sentAt := sub.NotBefore.Add(clockSkew)
	sub.Answer.Request = b.request(subj, &sentAt)
	return sub, nil
}

// answered tells the pacer the request's answer came (see
// Pacing.Answered); a pacer that cannot record it is only noted.
func (b *bulk) answered() {
	switch p := b.pace.(type) {
	case interface{ Answered() error }:
		if err := p.Answered(); err != nil {
			b.note("the shared pacing could not be updated: %v", err)
		}
	case interface{ Answered() }:
		p.Answered()
	}
}

// subjectError reports whether a failed request concerns only its subject
// (Graph refused this one), so the run goes on with the next.
func subjectError(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue) || graph.IsStatus(err, 400, 404, 409, 422)
}

func (b *bulk) request(subj RunSubject, sentAt *time.Time) *Request {
	return &Request{Ref: cmp.Or(subj.Ref, subj.ID), ID: subj.ID, Origin: subj.Origin, SentAt: sentAt}
}

// failed is the outcome of a request Graph refused for its subject.
func (b *bulk) failed(subj RunSubject, err error) *Outcome {
	o := &Outcome{ServicePrincipalID: b.spID, JobID: b.jobID, Source: SourceProvisionOnDemand, State: StateFailure,
		Subject: &Subject{ID: NullString(subj.ID), DisplayName: NullString(subj.DisplayName), Type: NullString(subjectType(subj.Type))}}
	reason := &Reason{Message: NullString(err.Error())}
	var ge *graph.Error
	if errors.As(err, &ge) {
		reason.Code = NullString(ge.Code)
	}
	o.Reason = reason
	o.Request = b.request(subj, nil)
	return o.normalize()
}

// placeholder is a pending outcome for a request sent at sentAt.
func (b *bulk) placeholder(subj RunSubject, sentAt time.Time) *Outcome {
	m := LogMatch{ServicePrincipalID: b.spID, JobID: b.jobID, SubjectID: subj.ID, SubjectType: subjectType(subj.Type), SubjectName: subj.DisplayName}
	o := m.pending()
	o.Request = b.request(subj, &sentAt)
	return o
}

// match is the log entry a submission's outcome is read from.
func (b *bulk) match(sub *Submission) LogMatch {
	return LogMatch{
		ServicePrincipalID: b.spID, JobID: b.jobID, SubjectID: sub.Subject.ID, SubjectType: subjectType(sub.Subject.Type),
		SubjectName: sub.Subject.DisplayName, ChangeID: string(sub.Answer.ChangeID), NotBefore: sub.NotBefore,
	}
}

// recheckMatch is the log entry of a request an earlier run sent.
func (b *bulk) recheckMatch(subj RunSubject) LogMatch {
	p := subj.resumed
	return LogMatch{
		ServicePrincipalID: b.spID, JobID: b.jobID, SubjectID: subj.ID, SubjectType: subjectType(subj.Type),
		SubjectName: subj.DisplayName, ChangeID: p.ChangeID, NotBefore: p.SentAt.Add(-clockSkew),
	}
}

// aheadSlack is how much earlier than the local clock a request written
// ahead is said to be sent: its log entry is looked for from then on, and
// a local clock ahead of Graph's must not hide it.
const aheadSlack = time.Minute

// journalAhead records, before a request is sent, that it is being sent:
// if the process dies before the answer (kill -9, a second Ctrl-C), a
// resume reads its log entry instead of sending it again. The answer's
// line follows and replaces it.
func (b *bulk) journalAhead(subj RunSubject) error {
	if b.r.Journal == nil {
		return nil
	}
	sentAt := time.Now().UTC().Add(-aheadSlack)
	o := b.placeholder(subj, sentAt)
	o.Reason = &Reason{Code: "Sending", Message: "recorded before the request was sent; no answer was recorded after it"}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fatal != nil {
		return b.fatal
	}
	if err := b.r.Journal.Append(o); err != nil {
		b.fatal = fmt.Errorf("record the request in the results file: %w", err)
		b.stopSend = true
		return b.fatal
	}
	return nil
}

func (b *bulk) fatalErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.fatal
}

// journalSent records a request whose log entry is awaited as pending,
// with the time Graph received it and its change id: the entry's line
// follows when it is read, and a resume reads the last line.
func (b *bulk) journalSent(sub *Submission) {
	if b.r.Journal == nil {
		return
	}
	o := b.match(sub).pending()
	o.Request = sub.Answer.Request
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fatal != nil {
		return
	}
	if err := b.r.Journal.Append(o); err != nil {
		b.fatal = fmt.Errorf("record the request in the results file: %w", err)
		b.stopSend = true
	}
}

// waiting counts a request whose entry is awaited: pending until read.
func (b *bulk) waiting() {
	b.mu.Lock()
	b.res.Tally.Pending++
	b.mu.Unlock()
}

// complete records one outcome: the journal first (on disk before the next
// request), then the stream and the progress.
func (b *bulk) complete(o *Outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.record(o)
}

// completeWaited records the outcome of a subject that was pending.
func (b *bulk) completeWaited(o *Outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.res.Tally.Pending--
	b.record(o)
}

func (b *bulk) record(o *Outcome) {
	if o.Request != nil {
		if i, ok := b.index[lowerID(o.Request.ID)]; ok {
			b.order[o] = i
		}
	}
	b.res.Outcomes = append(b.res.Outcomes, o)
	b.res.Tally.add(o.State)
	if b.r.Journal != nil && b.fatal == nil {
		if err := b.r.Journal.Append(o); err != nil {
			b.fatal = fmt.Errorf("record the outcome in the results file: %w", err)
			b.stopSend = true
		}
	}
	if b.r.Emit != nil && b.fatal == nil {
		if err := b.r.Emit(o); err != nil {
			b.fatal = err
			b.stopSend = true
		}
	}
	// Failures kept from an earlier run (--retry-failed=false) are not
	// this run's: they never stop it.
	if b.r.MaxFailures > 0 && b.res.Tally.Failed-len(b.res.Kept) >= b.r.MaxFailures && !b.stopSend {
		b.stopSend = true
		b.res.Stopped = fmt.Sprintf("--max-failures %d reached", b.r.MaxFailures)
	}
	if b.r.Observer != nil {
		b.r.Observer.Finished(o, b.res.Tally)
	}
}

func (b *bulk) stopped() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopSend
}

func (b *bulk) notSent(rest []RunSubject) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.res.NotSent = append(b.res.NotSent, rest...)
	b.res.Tally.NotSent += len(rest)
	b.res.Tally.Total -= len(rest)
}

func (b *bulk) observe(f func(BulkObserver)) {
	if b.r.Observer == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	f(b.r.Observer)
}

func (b *bulk) note(format string, a ...any) {
	if b.r.Observer != nil {
		b.observe(func(o BulkObserver) { o.Note(format, a...) })
		return
	}
	b.r.note(format, a...)
}

// eta is when the last of left more requests is due at the run's rate.
func (b *bulk) eta(left int) time.Duration {
	rate := b.r.Rate
	if rate.Limit == 0 {
		rate = DefaultRate
	}
	return time.Duration(left) * rate.Interval()
}

// finish puts the outcomes in input order.
func (b *bulk) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	sort.SliceStable(b.res.Outcomes, func(i, j int) bool {
		return b.order[b.res.Outcomes[i]] < b.order[b.res.Outcomes[j]]
	})
}

// lowerID keys subjects case-insensitively (GUIDs and DNs alike).
func lowerID(id string) string { return strings.ToLower(id) }
