// Package authref holds AWS's Service Authorization Reference (SAR) as data: for each action of
// the services the project touches, its access level, the resource types (ARN templates) it is
// authorized on, its condition keys and its dependent actions.
//
// It is owned by neither the product nor the emulator: the library may check the documents it
// renders against it, and the emulator (internal/awsemu) must authorize each operation on
// exactly the action and resource types listed here. It imports nothing of the project.
//
// One file per service holds that service's facts, transcribed from the SAR page named in the
// file's comment. A service is Complete when every action of its page is present; otherwise the
// file says which subset it holds. Facts that could not be confirmed against the SAR carry an
// "unverified:" comment.
package authref

// AccessLevel is the SAR's access-level classification of an action.
type AccessLevel string

// The SAR's access levels.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	Tagging               AccessLevel = "Tagging"
	PermissionsManagement AccessLevel = "Permissions management"
)

// Mutating reports whether the level changes something (Write, Tagging, Permissions management).
func (l AccessLevel) Mutating() bool {
	return l == Write || l == Tagging || l == PermissionsManagement
}

// Service is one service prefix's actions and resource types.
type Service struct {
	Prefix string // "kms"
	Name   string // "AWS Key Management Service"
	// Complete is true when every action of the service's SAR page is in Actions.
	Complete bool
	// Actions by the name the SAR gives them ("CreateKey").
	Actions map[string]Action
	// ResourceTypes by the SAR's resource type name ("key").
	ResourceTypes map[string]ResourceType
}

// Action is one IAM action.
type Action struct {
	// Name is the full action name, prefix included: "kms:CreateKey".
	Name   string
	Access AccessLevel
	// Resources are the resource types the action is authorized on, in SAR order. Empty means
	// the action supports no resource-level permissions: policies must name it with Resource "*".
	Resources []ResourceRef
	// ConditionKeys are the action's request-level condition keys (the SAR's rows without a
	// resource type).
	ConditionKeys []string
	// Dependent are the further actions the SAR says the call may need.
	Dependent []string
}

// ResourceRef is one resource type an action is authorized on.
type ResourceRef struct {
	Type     string // resource type name: "key"
	Required bool   // the SAR marks it with "*": every call is authorized on it
	// ConditionKeys are the keys the SAR lists for this action on this resource type.
	ConditionKeys []string
}

// ResourceType is a resource type of a service.
type ResourceType struct {
	Name string // "key"
	// ARN is the SAR's template: ${Partition}, ${Region}, ${Account} and the resource's own
	// variables ("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}").
	ARN string
	// MoreARNs are further ARN forms IAM policies use for the type beyond the SAR's template
	// (CloudWatch Logs log groups are written "log-group:NAME:*").
	MoreARNs      []string
	ConditionKeys []string
}

// Unscoped reports whether the action has no resource types, so it is authorized on "*" only.
func (a Action) Unscoped() bool { return len(a.Resources) == 0 }

// Prefix is the action's service prefix ("kms").
func (a Action) Prefix() string {
	p, _ := splitAction(a.Name)
	return p
}

// HasConditionKey reports whether key is one of the action's condition keys, request-level or on
// any of its resource types (case-insensitive, as IAM compares key names).
func (a Action) HasConditionKey(key string) bool {
	for _, k := range a.ConditionKeys {
		if equalFold(k, key) {
			return true
		}
	}
	for _, r := range a.Resources {
		for _, k := range r.ConditionKeys {
			if equalFold(k, key) {
				return true
			}
		}
	}
	return false
}
