package tenant

// answerKind is which of the service's shapes a job's provisionOnDemand
// answer takes. The shape follows the kind of synchronization, which the
// job's template names.
type answerKind int

const (
	// galleryAnswer: Entra ID to a SCIM or gallery app (Microsoft's example 1).
	galleryAnswer answerKind = iota
	// crossTenantAnswer: cross-tenant synchronization; key is a .NET type
	// name and value a JSON array of records.
	crossTenantAnswer
	// cloudSyncAnswer: Entra Cloud Sync, AD to Entra ID (Microsoft's
	// example 2); subjects are AD distinguished names.
	cloudSyncAnswer
)

// Templates whose answers differ from the gallery shape.
const (
	crossTenantTemplate = "Azure2Azure"
	cloudSyncTemplate   = "AD2AADProvisioning"
)

func (j *JobState) answerKind() answerKind {
	switch j.def.TemplateID {
	case crossTenantTemplate:
		return crossTenantAnswer
	case cloudSyncTemplate:
		return cloudSyncAnswer
	}
	return galleryAnswer
}
