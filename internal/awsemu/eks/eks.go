package eks

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// eksService is Amazon EKS (REST-JSON). Each eks_*.go file declares its operations next to
// their handlers.
func Service() *core.Service {
	s := &core.Service{Name: "eks", Protocol: core.RestJSONProtocol{}, Impl: eksPeer{}}
	s.Add(eksClusterOps()...)
	s.Add(eksClusterUpdateOps()...)
	s.Add(eksNodegroupOps()...)
	s.Add(eksAddonOps()...)
	s.Add(eksVersionOps()...)
	s.Add(eksAccessOps()...)
	s.Add(eksTagOps()...)
	s.Add(eksPodIdentityOps()...)
	return s
}

// EKS errors, with the statuses EKS returns them with.
func eksNotFound(format string, args ...any) *core.APIError {
	return core.NewError("ResourceNotFoundException", 404, format, args...)
}

func eksInUse(format string, args ...any) *core.APIError {
	return core.NewError("ResourceInUseException", 409, format, args...)
}

func eksInvalidParam(format string, args ...any) *core.APIError {
	return core.NewError("InvalidParameterException", 400, format, args...)
}

func eksInvalidRequest(format string, args ...any) *core.APIError {
	return core.NewError("InvalidRequestException", 400, format, args...)
}

// eksKubernetesVersions are the Kubernetes versions the emulated EKS runs, oldest first; the last
// is the default for new clusters.
var eksKubernetesVersions = []string{"1.29", "1.30", "1.31", "1.32", "1.33"}

// eksPlatformVersions is each Kubernetes version's current EKS platform version.
var eksPlatformVersions = map[string]string{"1.29": "eks.37", "1.30": "eks.33", "1.31": "eks.29", "1.32": "eks.13", "1.33": "eks.6"}

func eksSupportedVersion(v string) bool {
	for _, s := range eksKubernetesVersions {
		if s == v {
			return true
		}
	}
	return false
}

// eksMinor is the minor number of a "1.N" Kubernetes version (-1 when malformed).
func eksMinor(v string) int {
	major, minor, ok := strings.Cut(v, ".")
	if !ok || major != "1" {
		return -1
	}
	n := 0
	for _, r := range minor {
		if r < '0' || r > '9' {
			return -1
		}
		n = n*10 + int(r-'0')
	}
	if minor == "" {
		return -1
	}
	return n
}

var reEKSName = regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9\-_]*$`)

// checkEKSName validates a cluster, node group or add-on name as the EKS API model does.
func checkEKSName(field, v string, max int) *core.APIError {
	if v == "" {
		return eksInvalidParam("%s must not be empty", field)
	}
	if utf8.RuneCountInString(v) > max || !reEKSName.MatchString(v) {
		return eksInvalidParam("The %s '%s' is not valid. It must start with an alphanumeric character, contain only alphanumeric characters, hyphens and underscores, and be at most %d characters long.", field, v, max)
	}
	return nil
}

// checkEKSTags validates tags a request sets; code is the error EKS uses for the operation
// (InvalidParameterException on creates, BadRequestException on TagResource).
func checkEKSTags(m map[string]string, code string) *core.APIError {
	if len(m) > core.MaxTags {
		return core.NewError(code, 400, "Tags cannot exceed %d", core.MaxTags)
	}
	for k, v := range m {
		if k == "" || utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(v) > 256 {
			return core.NewError(code, 400, "Tag keys must be 1 to 128 characters and values at most 256 characters (tag %q)", k)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return core.NewError(code, 400, "Tag keys starting with 'aws:' are reserved for AWS use")
		}
	}
	return nil
}

// ARNs of EKS resources. New node groups, add-ons and access entries end in the request id, so
// the ARN the authorizer evaluates is the one the resource gets.
func eksARN(c *core.Req, rest string) string {
	return "arn:aws:eks:" + c.Region + ":" + c.Account.Id + ":" + rest
}

func eksClusterARN(c *core.Req, name string) string { return eksARN(c, "cluster/"+name) }

// eksClusterLabel is the cluster a request names in its path ({name} or {clusterName}).
func eksClusterLabel(c *core.Req) string {
	if n := c.In.Labels["clusterName"]; n != "" {
		return n
	}
	return c.In.Labels["name"]
}

// eksClusterResource is the ARN of the cluster named in the path.
func eksClusterResource(c *core.Req) []string { return []string{eksClusterARN(c, eksClusterLabel(c))} }

// eksClusterTags is aws:ResourceTag/* of the cluster named in the path.
func eksClusterTags(c *core.Req) map[string][]string {
	if cl := eksOf(c).clusters[eksClusterLabel(c)]; cl != nil {
		return core.ResourceTagContext(cl.tags)
	}
	return nil
}

// eksFindCluster finds the cluster named in the path, or EKS's ResourceNotFoundException.
func eksFindCluster(c *core.Req) (*eksCluster, *core.APIError) {
	name := eksClusterLabel(c)
	cl := eksOf(c).clusters[name]
	if cl == nil {
		return nil, eksNotFound("No cluster found for name: %s.", name)
	}
	return cl, nil
}

// eksRequestTags is aws:RequestTag/* and aws:TagKeys of the body's "tags" map.
func eksRequestTags(c *core.Req) map[string][]string {
	return core.RequestTagContext(core.TagsOfMap(core.JSONBody[struct{ Tags map[string]string }](c).Tags))
}

// eksTagOnCreate is the eks:TagResource check EKS makes when a create carries tags.
func eksTagOnCreate(c *core.Req, arn string) []core.Check {
	tags := core.TagsOfMap(core.JSONBody[struct{ Tags map[string]string }](c).Tags)
	if len(tags) == 0 {
		return nil
	}
	return []core.Check{{Action: "eks:TagResource", Resources: []string{arn}, Context: core.RequestTagContext(tags)}}
}

// eksDecode reads the JSON body into v with EKS's error for a malformed body.
func eksDecode(c *core.Req, v any) *core.APIError {
	if len(c.Body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.Body, v); err != nil {
		return core.NewError("BadRequestException", 400, "Could not parse request body: %s", err.Error())
	}
	return nil
}

// eksMaxResults reads a maxResults query parameter (default and upper bound max).
func eksMaxResults(c *core.Req, max int) (int, *core.APIError) {
	v := c.Param("maxResults")
	if v == "" {
		return max, nil
	}
	n := 0
	for _, r := range v {
		if r < '0' || r > '9' {
			return 0, eksInvalidParam("maxResults must be a number")
		}
		n = n*10 + int(r-'0')
		if n > 1000000 {
			break
		}
	}
	if n < 1 || n > max {
		return 0, eksInvalidParam("maxResults must be between 1 and %d", max)
	}
	return n, nil
}

// eksPage pages names with the request's nextToken/maxResults.
func eksPage(c *core.Req, names []string, max int) ([]string, string, *core.APIError) {
	size, err := eksMaxResults(c, max)
	if err != nil {
		return nil, "", err
	}
	out, next, ok := core.PageByToken(names, c.Param("nextToken"), size)
	if !ok {
		return nil, "", eksInvalidParam("The nextToken provided is not valid")
	}
	if out == nil {
		out = []string{}
	}
	return out, next, nil
}
