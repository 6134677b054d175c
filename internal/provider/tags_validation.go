package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/workspace"
)

// AWS's tag rules common to every service a resource tags (IAM, EC2, S3, KMS, EKS, CloudWatch
// Logs, SSM, ACM, Glue): keys of 1 to 128 characters, values of at most 256, 50 tags per object,
// and the aws: prefix reserved.
const (
	maxTagKeyLength   = 128
	maxTagValueLength = 256
	maxTagsPerObject  = 50
	reservedTagPrefix = "aws:"
)

// tagTextPattern is what IAM and S3 accept in tag keys and values (letters, digits, spaces and
// _ . : / = + - @); EC2 and KMS accept more, but every resource tags an IAM or S3 object too.
var tagTextPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// tagRules are what AWS accepts in the tags of every object a resource creates: where the
// services differ, the strictest rule applies.
type tagRules struct {
	// objects names what the tags go on, for diagnostics.
	objects string
	// added are the keys the resource itself sets, one set per kind of object; the largest
	// counts against the limit.
	added [][]string
	// caseInsensitiveKeys: the objects include IAM ones, which refuse two keys differing only
	// in case ("Duplicate tag keys found").
	caseInsensitiveKeys bool
	// note is said after the count, when something else adds tags later.
	note string
}

// lakeSailTagKeys are the tags every object of a connection carries.
func lakeSailTagKeys(extra ...string) []string {
	keys := slices.Sorted(maps.Keys(connpolicy.Tags(connpolicy.Spec{})))
	return append(keys, extra...)
}

var (
	connectionTagRules = tagRules{
		objects:             "the connection role and its managed policies (IAM)",
		added:               [][]string{lakeSailTagKeys()},
		caseInsensitiveKeys: true,
	}
	// networkTagRules: every network object also gets Name, and each subnet its EKS load
	// balancer role.
	networkTagRules = tagRules{
		objects: "every object of the network (VPC, subnets, gateways, route tables, security groups, S3 bucket, KMS key)",
		added: [][]string{
			lakeSailTagKeys(connpolicy.TagNetwork, "Name", "kubernetes.io/role/elb"),
			lakeSailTagKeys(connpolicy.TagNetwork, "Name", "kubernetes.io/role/internal-elb"),
		},
		note: " Each workspace in the network also adds one tag (kubernetes.io/cluster/<cluster>) to its private subnets.",
	}
	workspaceTagRules = tagRules{
		objects: "every object of the workspace (EKS cluster, node group and add-ons, IAM roles and OIDC provider, " +
			"log group, SSM parameters, ACM certificate, Glue databases)",
		added:               [][]string{lakeSailTagKeys(workspace.TagWorkspace)},
		caseInsensitiveKeys: true,
	}
)

// markdownDescription is the rule as the schema documents it.
func (rules tagRules) markdownDescription() string {
	added := 0
	for _, keys := range rules.added {
		added = max(added, len(keys))
	}
	description := fmt.Sprintf("Keys may not start with `aws:`; keys are 1 to %d and values at most %d characters of letters, "+
		"digits, spaces and `_ . : / = + - @`. AWS allows %d tags per object: these tags, the provider's `default_tags` and the %d "+
		"LakeSail adds must fit, which the plan checks.", maxTagKeyLength, maxTagValueLength, maxTagsPerObject, added)
	if rules.caseInsensitiveKeys {
		description += " IAM keys ignore case, so two keys may not differ only in case."
	}
	return description
}

// check applies the rules to a resource's tags and the provider's default_tags, which are nil
// when not known (before the provider is configured): then only the resource's tags count.
func (rules tagRules) check(attribute path.Path, tags types.Map, defaultTags map[string]string, diags *diag.Diagnostics) {
	if tags.IsUnknown() {
		return
	}
	var problems diag.Diagnostics
	own := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(tags.Elements())) {
		own[key] = "" // the key counts even while its value is unknown
		rules.checkKey(attribute.AtMapKey(key), key, &problems)
		if s, ok := tags.Elements()[key].(types.String); ok && !s.IsUnknown() && !s.IsNull() {
			own[key] = s.ValueString()
			rules.checkValue(attribute.AtMapKey(key), key, s.ValueString(), &problems)
		}
	}
	fromDefaults := map[string]string{} // what default_tags add: the keys tags do not set
	for key, value := range defaultTags {
		if _, overridden := own[key]; !overridden {
			fromDefaults[key] = value
		}
	}
	for _, key := range slices.Sorted(maps.Keys(fromDefaults)) {
		var fromProvider diag.Diagnostics
		rules.checkKey(path.Empty(), key, &fromProvider)
		rules.checkValue(path.Empty(), key, fromDefaults[key], &fromProvider)
		for _, problem := range fromProvider {
			problems.AddError(problem.Summary()+" in default_tags", "The provider's default_tags: "+problem.Detail())
		}
	}
	if !problems.HasError() {
		for _, added := range rules.added {
			rules.checkCase(attribute, own, fromDefaults, added, &problems)
		}
	}
	if !problems.HasError() {
		rules.checkCount(attribute, own, fromDefaults, defaultTags != nil, &problems)
	}
	diags.Append(problems...)
}

func (rules tagRules) checkKey(at path.Path, key string, diags *diag.Diagnostics) {
	switch {
	case strings.HasPrefix(strings.ToLower(key), reservedTagPrefix):
		addTagError(diags, at, "Reserved Tag Key", fmt.Sprintf("Tag keys starting with aws: are reserved by AWS and cannot be set (%q).", key))
	case key == "" || utf8.RuneCountInString(key) > maxTagKeyLength:
		addTagError(diags, at, "Invalid Tag Key", fmt.Sprintf("Tag key %q has %d characters; AWS accepts 1 to %d.",
			abbreviate(key), utf8.RuneCountInString(key), maxTagKeyLength))
	case !tagTextPattern.MatchString(key):
		addTagError(diags, at, "Invalid Tag Key", fmt.Sprintf("Tag key %q may contain only letters, digits, spaces and _ . : / = + - @, "+
			"as IAM and S3 require of %s.", key, rules.objects))
	}
}

func (rules tagRules) checkValue(at path.Path, key, value string, diags *diag.Diagnostics) {
	switch {
	case utf8.RuneCountInString(value) > maxTagValueLength:
		addTagError(diags, at, "Invalid Tag Value", fmt.Sprintf("The value of tag %q has %d characters; AWS accepts at most %d.",
			key, utf8.RuneCountInString(value), maxTagValueLength))
	case !tagTextPattern.MatchString(value):
		addTagError(diags, at, "Invalid Tag Value", fmt.Sprintf("The value of tag %q may contain only letters, digits, spaces and "+
			"_ . : / = + - @, as IAM and S3 require of %s.", key, rules.objects))
	}
}

// checkCase refuses, on IAM objects, two keys that differ only in case: the resource's tags,
// default_tags and the LakeSail tags all go on the same object, and IAM refuses the lot.
func (rules tagRules) checkCase(attribute path.Path, own, fromDefaults map[string]string, added []string, diags *diag.Diagnostics) {
	if !rules.caseInsensitiveKeys {
		return
	}
	type origin struct{ key, from string }
	seen := map[string]origin{}
	for _, key := range added {
		seen[strings.ToLower(key)] = origin{key, "LakeSail"}
	}
	for _, source := range []struct {
		tags map[string]string
		from string
		at   func(string) path.Path
	}{
		{fromDefaults, "the provider's default_tags", func(string) path.Path { return path.Empty() }},
		{own, "tags", attribute.AtMapKey},
	} {
		for _, key := range slices.Sorted(maps.Keys(source.tags)) {
			if slices.Contains(added, key) {
				continue // the LakeSail tag replaces it
			}
			if other, clash := seen[strings.ToLower(key)]; clash && other.key != key {
				addTagError(diags, source.at(key), "Tag Keys Differ Only in Case",
					fmt.Sprintf("%s sets %q and %s sets %q: IAM compares tag keys without regard to case and refuses both on %s. "+
						"Spell them the same or drop one.", source.from, key, other.from, other.key, rules.objects))
				continue
			}
			seen[strings.ToLower(key)] = origin{key, source.from}
		}
	}
}

// checkCount checks the tags fit AWS's per-object limit on the most-tagged object.
func (rules tagRules) checkCount(attribute path.Path, own, fromDefaults map[string]string, defaultsKnown bool, diags *diag.Diagnostics) {
	for _, added := range rules.added {
		fromTags, fromProvider := 0, 0
		for key := range own {
			if !slices.Contains(added, key) {
				fromTags++
			}
		}
		for key := range fromDefaults {
			if !slices.Contains(added, key) {
				fromProvider++
			}
		}
		total := fromTags + fromProvider + len(added)
		if total <= maxTagsPerObject {
			continue
		}
		detail := fmt.Sprintf("AWS allows %d tags on each object, and %s would carry %d: %d from tags", maxTagsPerObject, rules.objects, total, fromTags)
		if defaultsKnown {
			detail += fmt.Sprintf(", %d from the provider's default_tags", fromProvider)
		}
		detail += fmt.Sprintf(" and %d that LakeSail sets (%s). Remove at least %d.%s", len(added), strings.Join(added, ", "),
			total-maxTagsPerObject, rules.note)
		diags.AddAttributeError(attribute, "Too Many Tags", detail)
		return
	}
}

// addTagError reports on the tag's path, or without one for the provider's default_tags.
func addTagError(diags *diag.Diagnostics, at path.Path, summary, detail string) {
	if at.Equal(path.Empty()) {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(at, summary, detail)
}

// abbreviate shortens a long key for a diagnostic.
func abbreviate(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// tagsValidator applies the rules to a tags attribute: everything but the provider's
// default_tags, which ModifyPlan counts once the provider is configured.
func tagsValidator(rules tagRules) validator.Map { return tagsMapValidator{rules: rules} }

type tagsMapValidator struct{ rules tagRules }

func (v tagsMapValidator) Description(context.Context) string {
	return "AWS's tag rules: no aws: prefix, keys of 1 to 128 and values of at most 256 characters, at most 50 tags per object"
}

func (v tagsMapValidator) MarkdownDescription(context.Context) string {
	return v.rules.markdownDescription()
}

func (v tagsMapValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() {
		return
	}
	v.rules.check(req.Path, req.ConfigValue, nil, &resp.Diagnostics)
}
