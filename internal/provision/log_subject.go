package provision

import (
	"context"
	"errors"
	"strings"
)

// isUserSubject reports whether --subject names a user (or any object by
// id): an object id, a UPN or an AD distinguished name. Anything else is
// a group's display name.
func isUserSubject(ref string) bool {
	return IsGUID(ref) || strings.Contains(ref, "@") || IsDistinguishedName(ref)
}

// CheckSubjectRef validates --subject (of `provision logs` and `poll`) before
// anything is sent: a user (object id, UPN or AD distinguished name) or a
// group (object id or display name).
func CheckSubjectRef(ref string) error {
	if ref == "" || isUserSubject(ref) {
		return checkUserSubjectRef(ref)
	}
	if strings.TrimSpace(ref) == "" {
		return usagef("--subject is blank: give a user (object id or UPN) or a group (object id or display name)")
	}
	return checkName("group", ref)
}

// ResolveSubject turns --subject (of `provision logs` and `poll`) into the object id
// the logs filter on (sourceIdentity/id): a user's UPN and a group's
// display name are looked up (a name several groups have is an error that
// lists them), ids are used as given.
func (s *Service) ResolveSubject(ctx context.Context, ref string) (string, error) {
	if ref == "" || isUserSubject(ref) {
		return s.resolveUserSubjectID(ctx, ref)
	}
	g, err := s.ResolveGroup(ctx, ref)
	var amb *AmbiguousError
	if errors.As(err, &amb) {
		named := *amb
		named.Flag = "--subject"
		return "", &named
	}
	var none *NotFoundError
	if errors.As(err, &none) {
		// "adele" may have meant a user: say how users are named.
		named := *none
		named.Hint = strings.TrimPrefix(named.Hint+"; a user is given by object id or user principal name (name@domain)", "; ")
		return "", &named
	}
	if err != nil {
		return "", err
	}
	return filterID(g.ID), nil
}
