package tenant

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// adIdentity holds the identifiers an AD user carries, derived from its
// distinguished name so they stay the same across starts.
type adIdentity struct {
	dn               string
	domain           string // contoso.test, from the DC= components
	objectGUID       string // GUID form
	objectGUIDBase64 string // as AD attributes carry it
	objectSid        string // base64 binary SID
	invocationID     string // the domain controller's, in originatingReplicaToken
}

func newADIdentity(dn string) adIdentity {
	sum := sha1.Sum([]byte(strings.ToLower(dn)))
	guid := sum[:16]
	guid[6] = guid[6]&0x0f | 0x50 // name-based (version 5)
	guid[8] = guid[8]&0x3f | 0x80
	var dcs []string
	for _, rdn := range strings.Split(dn, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(rdn), "="); ok && strings.EqualFold(k, "DC") {
			dcs = append(dcs, v)
		}
	}
	// S-1-5-21-a-b-c-RID: revision, sub-authority count, authority, then
	// little-endian sub-authorities.
	sid := []byte{1, 5, 0, 0, 0, 0, 0, 5}
	sid = binary.LittleEndian.AppendUint32(sid, 21)
	for i := 0; i < 3; i++ {
		sid = binary.LittleEndian.AppendUint32(sid, binary.BigEndian.Uint32(sum[4+4*i:]))
	}
	sid = binary.LittleEndian.AppendUint32(sid, 1103)
	inv := sha1.Sum([]byte("dc01." + strings.Join(dcs, ".")))
	return adIdentity{
		dn:               dn,
		domain:           strings.Join(dcs, "."),
		objectGUID:       formatGUID(guid),
		objectGUIDBase64: base64.StdEncoding.EncodeToString(guid),
		objectSid:        base64.StdEncoding.EncodeToString(sid),
		invocationID:     formatGUID(inv[:16]),
	}
}

func formatGUID(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// pwdLastSetTime is when the seeded AD users last set their password.
var pwdLastSetTime = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// windowsFileTime is 100-nanosecond intervals since 1601, as AD stores times.
func windowsFileTime(t time.Time) string {
	const epochDelta = 11644473600 // seconds from 1601-01-01 to 1970-01-01
	return fmt.Sprint((t.Unix() + epochDelta) * 10_000_000)
}

// adUserAttributes is what Cloud Sync reports having read from AD for u:
// the attributes it flows, most of them empty, as in Microsoft's example 2.
func adUserAttributes(u *User, ad adIdentity) orderedObject {
	nick := mailNickname(u)
	mail := nameOr(u.Mail, u.UserPrincipalName)
	attrs := object(
		"distinguishedName", ad.dn,
		"cn", u.DisplayName,
		"originatingReplicaToken", jsonText(object("InvocationId", ad.invocationID, "Name", "DC01."+ad.domain)),
		"sAMAccountName", nick,
		"givenName", u.GivenName,
		"objectSid", ad.objectSid,
		"displayName", u.DisplayName,
		"pwdLastSet", windowsFileTime(pwdLastSetTime),
		"mail", mail,
		"sn", u.Surname,
		"proxyAddresses", "SMTP:"+mail,
		"objectGUID", ad.objectGUIDBase64,
		"userAccountControl", "512",
		"accountDisabled", "False",
		"mS-DS-ConsistencyGuid", ad.objectGUIDBase64,
		"mailNickname", nick,
		"title", u.JobTitle,
		"userPrincipalName", u.UserPrincipalName,
	)
	for _, name := range adEmptyAttributes() {
		attrs = append(attrs, member{name, ""})
	}
	return attrs
}

// adEmptyAttributes are attributes in Cloud Sync's schema that the seeded
// users leave unset: the service lists them with empty values.
func adEmptyAttributes() []string {
	names := []string{"adminDescription", "c", "co", "company", "countryCode", "department", "description",
		"employeeID", "employeeNumber", "employeeType"}
	for i := 1; i <= 15; i++ {
		names = append(names, fmt.Sprintf("extensionAttribute%d", i))
	}
	names = append(names, "facsimileTelephoneNumber", "homePhone", "info", "initials", "ipPhone", "isCriticalSystemObject",
		"l", "legacyExchangeDN", "manager", "middleName", "mobile",
		"msDS-HABSeniorityIndex", "msDS-PhoneticDisplayName", "msDS-preferredDataLocation")
	for i := 1; i <= 20; i++ {
		names = append(names, fmt.Sprintf("msDS-cloudExtensionAttribute%d", i))
	}
	names = append(names, "msExchArchiveGUID", "msExchArchiveName", "msExchAssistantName", "msExchAuditAdmin",
		"msExchAuditDelegate", "msExchAuditDelegateAdmin", "msExchAuditOwner", "msExchBlockedSendersHash", "msExchBypassAudit",
		"msExchELCExpirySuspensionEnd", "msExchELCExpirySuspensionStart", "msExchELCMailboxFlags", "msExchEnableModeration")
	for i := 1; i <= 5; i++ {
		names = append(names, fmt.Sprintf("msExchExtensionCustomAttribute%d", i))
	}
	names = append(names, "msExchHideFromAddressLists", "msExchImmutableId", "msExchLitigationHoldDate",
		"msExchLitigationHoldOwner", "msExchMailboxAuditEnable", "msExchMailboxAuditLogAgeLimit", "msExchMailboxGuid",
		"msExchModerationFlags", "msExchRecipientDisplayType", "msExchRecipientTypeDetails", "msExchRemoteRecipientType",
		"msExchRequireAuthToSendTo", "msExchResourceCapacity", "msExchResourceDisplay", "msExchResourceMetaData",
		"msExchResourceSearchProperties", "msExchRetentionComment", "msExchRetentionURL", "msExchSafeRecipientsHash",
		"msExchSafeSendersHash", "msExchSenderHintTranslations", "msExchTeamMailboxExpiration",
		"msExchTeamMailboxSharePointUrl", "msExchUsageLocation", "msExchUserHoldPolicies",
		"msRTCSIP-ApplicationOptions", "msRTCSIP-DeploymentLocator", "msRTCSIP-Line", "msRTCSIP-OptionFlags",
		"msRTCSIP-OwnerUrn", "msRTCSIP-PrimaryUserAddress", "msRTCSIP-UserEnabled",
		"otherFacsimileTelephoneNumber", "otherHomePhone", "otherIpPhone", "otherMobile", "otherPager", "otherTelephone",
		"pager", "physicalDeliveryOfficeName", "postalCode", "postOfficeBox", "preferredLanguage", "st", "streetAddress",
		"targetAddress", "telephoneAssistant", "telephoneNumber", "thumbnailPhoto", "url", "userCertificate",
		"userSMIMECertificate", "whenChanged", "wWWHomePage")
	return names
}
