package glue

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// glueService is the AWS Glue Data Catalog's databases (JSON 1.1, X-Amz-Target AWSGlue.<Operation>).
func Service() *core.Service {
	s := &core.Service{Name: "glue", Protocol: core.JSONProtocol{}, Target: "AWSGlue"}
	s.Add(glueDatabaseOps()...)
	s.Add(glueTagOps()...)
	s.Add(glueCatalogOps()...)
	return s
}

// glueState is one account's Data Catalog in one region.
type glueState struct {
	databases  map[string]*glueDatabase // by name, lower-cased as Glue stores it
	policy     string                   // the catalog's resource policy (glue_catalog.go)
	encryption map[string]any           // the catalog's encryption settings (glue_catalog.go)
}

type glueDatabase struct {
	name, description, locationURI string
	parameters                     map[string]string
	created                        time.Time
	tags                           []core.Tag
}

// glueOf is the caller's Data Catalog in the request's region.
func glueOf(c *core.Req) *glueState {
	return core.RegionalStateOf(c.Account, "glue", c.Region, func() *glueState { return &glueState{databases: map[string]*glueDatabase{}} })
}

func (st *glueState) sorted() []*glueDatabase {
	out := make([]*glueDatabase, 0, len(st.databases))
	for _, d := range st.databases {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// glueARN is a Data Catalog ARN in the catalog's account: "catalog", "database/<name>", ...
func glueARN(c *core.Req, catalog, rest string) string {
	if catalog == "" {
		catalog = c.Account.Id
	}
	return "arn:aws:glue:" + c.Region + ":" + catalog + ":" + rest
}

func glueInvalid(format string, args ...any) *core.APIError {
	return core.NewError("InvalidInputException", 400, format, args...)
}

func glueNotFound(name string) *core.APIError {
	return core.NewError("EntityNotFoundException", 400, "Database %s not found.", name)
}

// glueName is a database name as Glue keeps it: lower-cased.
func glueName(name string) string { return strings.ToLower(name) }

// checkGlueName validates a database name: 1 to 255 characters on a single line.
func checkGlueName(name string) *core.APIError {
	if name == "" || utf8.RuneCountInString(name) > 255 || strings.ContainsAny(name, "\n\r") {
		return glueInvalid("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must have length between 1 and 255 and be a single line", name)
	}
	return nil
}

// checkGlueCatalog accepts only the caller's own catalog.
func checkGlueCatalog(c *core.Req, catalog string) *core.APIError {
	if catalog != "" && catalog != c.Account.Id {
		return core.NewError("EntityNotFoundException", 400, "Catalog %s not found.", catalog)
	}
	return nil
}

func checkGlueTags(m map[string]string) *core.APIError {
	if len(m) > core.MaxTags {
		return glueInvalid("The number of tags exceeds the limit of %d", core.MaxTags)
	}
	for k, v := range m {
		if k == "" || utf8.RuneCountInString(k) > 128 || utf8.RuneCountInString(v) > 256 {
			return glueInvalid("Tag keys must be 1 to 128 and values at most 256 characters (tag %q)", k)
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return glueInvalid("Tag keys cannot start with 'aws:'")
		}
	}
	return nil
}
