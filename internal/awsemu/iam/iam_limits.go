package iam

import (
	"regexp"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// IAM quotas and input constraints, with the codes and messages IAM uses.
const (
	maxManagedPolicySize = 6144  // characters excluding white space
	maxTrustPolicySize   = 2048  // ACLSizePerRole
	maxRoleInlineSize    = 10240 // RolePolicySize: all inline policies of a role together
	maxPoliciesPerRole   = 10    // PoliciesPerRole (managed policies attached)
	maxPolicyVersions    = 5
	maxRoleName          = 64
	maxPolicyName        = 128
	maxPath              = 512
	maxDescription       = 1000
	minSessionDuration   = 3600
	MaxSessionDuration   = 43200
)

var (
	reIAMName     = regexp.MustCompile(`^[\w+=,.@-]+$`)
	rePath        = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	rePathPrefix  = regexp.MustCompile(`^/[\x21-\x7F]*$`)
	reTagText     = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	reDescription = regexp.MustCompile(`^[\x09\x0A\x0D\x20-\x7E\x{A1}-\x{FF}]*$`)
)

func quotaExceeded(quota string, limit int) *core.APIError {
	return core.NewError("LimitExceeded", 409, "Cannot exceed quota for %s: %d", quota, limit)
}

func invalidInput(format string, args ...any) *core.APIError {
	return core.NewError("InvalidInput", 400, format, args...)
}

func noSuchEntity(format string, args ...any) *core.APIError {
	return core.NewError("NoSuchEntity", 404, format, args...)
}

func alreadyExists(format string, args ...any) *core.APIError {
	return core.NewError("EntityAlreadyExists", 409, format, args...)
}

func deleteConflict(format string, args ...any) *core.APIError {
	return core.NewError("DeleteConflict", 409, format, args...)
}

// checkName validates a role or policy name.
func checkName(param, v string, max int) *core.APIError {
	if err := core.CheckLength(param, v, 1, max); err != nil {
		return err
	}
	return core.CheckPattern(param, v, reIAMName)
}

// checkPath validates a path ("/" by default); it returns the path to use.
func checkPath(c *core.Req) (string, *core.APIError) {
	p := c.Param("Path")
	if p == "" {
		return "/", nil
	}
	if err := core.CheckLength("Path", p, 1, maxPath); err != nil {
		return "", err
	}
	if !rePath.MatchString(p) {
		return "", core.ValidationError("Value '%s' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", p)
	}
	return p, nil
}

// checkPathPrefix validates a PathPrefix filter ("/" by default).
func checkPathPrefix(c *core.Req) (string, *core.APIError) {
	p := c.Param("PathPrefix")
	if p == "" {
		return "/", nil
	}
	if err := core.CheckLength("PathPrefix", p, 1, maxPath); err != nil {
		return "", err
	}
	if !rePathPrefix.MatchString(p) {
		return "", core.ValidationError("Value '%s' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*", p)
	}
	return p, nil
}

func checkDescription(v string) *core.APIError {
	if err := core.CheckLength("Description", v, 0, maxDescription); err != nil {
		return err
	}
	return core.CheckPattern("Description", v, reDescription)
}

// CheckTags validates tags a request sets: key and value shape, no duplicates (IAM tag keys are
// case-insensitive), no aws: prefix, and at most 50 in the request.
func CheckTags(tags []core.Tag) *core.APIError {
	if len(tags) > core.MaxTags {
		return core.ValidationError("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", core.MaxTags)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if err := core.CheckLength("Tags.member.key", t.Key, 1, 128); err != nil {
			return err
		}
		if err := core.CheckLength("Tags.member.value", t.Value, 0, 256); err != nil {
			return err
		}
		if !reTagText.MatchString(t.Key) || !reTagText.MatchString(t.Value) {
			return invalidInput("Tag keys and values may contain only letters, numbers, spaces and _.:/=+-@ (tag %q).", t.Key)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return invalidInput("User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS internal use.")
		}
		k := strings.ToLower(t.Key)
		if seen[k] {
			return invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	return nil
}

// mergeTags applies tags over existing ones (keys case-insensitive) within the 50-tag quota.
func mergeTags(existing, add []core.Tag, quota string) ([]core.Tag, *core.APIError) {
	out := append([]core.Tag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if strings.EqualFold(out[i].Key, t.Key) {
				out[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > core.MaxTags {
		return nil, quotaExceeded(quota, core.MaxTags)
	}
	return out, nil
}

// removeTags drops the given keys (case-insensitive).
func removeTags(existing []core.Tag, keys []string) []core.Tag {
	var out []core.Tag
	for _, t := range existing {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(t.Key, k) {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

// checkTagKeys validates the keys of an untag request.
func checkTagKeys(keys []string) *core.APIError {
	if len(keys) > core.MaxTags {
		return core.ValidationError("Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to %d", core.MaxTags)
	}
	for _, k := range keys {
		if err := core.CheckLength("TagKeys.member", k, 1, 128); err != nil {
			return err
		}
	}
	return nil
}

// checkMaxSession validates MaxSessionDuration (seconds).
func checkMaxSession(n int) *core.APIError {
	if n < minSessionDuration {
		return core.ValidationError("Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to %d", n, minSessionDuration)
	}
	if n > MaxSessionDuration {
		return core.ValidationError("Value '%d' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to %d", n, MaxSessionDuration)
	}
	return nil
}

// checkPolicyARN validates the shape of a managed policy ARN.
func checkPolicyARN(arn string) *core.APIError {
	if !strings.HasPrefix(arn, "arn:aws:iam::") || !strings.Contains(arn, ":policy/") {
		return invalidInput("ARN %s is not valid.", arn)
	}
	return nil
}
