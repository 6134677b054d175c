package glue

import (
	"unicode/utf8"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

func glueDatabaseOps() []*core.Operation {
	return []*core.Operation{
		{Name: "CreateDatabase", Action: "glue:CreateDatabase", Resources: glueCreateResources, Context: glueCreateTags, Also: glueTagOnCreate, Handle: glueCreateDatabase},
		{Name: "GetDatabase", Action: "glue:GetDatabase", Resources: glueNamedResources, Context: glueNamedTags, Handle: glueGetDatabase},
		{Name: "GetDatabases", Action: "glue:GetDatabases", Resources: glueAllResources, Handle: glueGetDatabases},
		{Name: "UpdateDatabase", Action: "glue:UpdateDatabase", Resources: glueNamedResources, Context: glueNamedTags, Handle: glueUpdateDatabase},
		{Name: "DeleteDatabase", Action: "glue:DeleteDatabase", Resources: glueDeleteResources, Context: glueNamedTags, Handle: glueDeleteDatabase},
	}
}

type glueDatabaseInput struct {
	Name, Description, LocationURI string
	Parameters                     map[string]string
}

type glueCreateIn struct {
	CatalogID     string
	DatabaseInput *glueDatabaseInput
	Tags          map[string]string
}

type glueNamedIn struct {
	CatalogID, Name string
	DatabaseInput   *glueDatabaseInput
}

// glueCreateResources: CreateDatabase is authorized on the catalog and on the new database.
func glueCreateResources(c *core.Req) []string {
	in := core.JSONBody[glueCreateIn](c)
	name := ""
	if in.DatabaseInput != nil {
		name = glueName(in.DatabaseInput.Name)
	}
	return []string{glueARN(c, in.CatalogID, "catalog"), glueARN(c, in.CatalogID, "database/"+name)}
}

func glueCreateTags(c *core.Req) map[string][]string {
	return core.RequestTagContext(core.TagsOfMap(core.JSONBody[glueCreateIn](c).Tags))
}

// glueTagOnCreate: creating a database with tags also needs glue:TagResource on it.
func glueTagOnCreate(c *core.Req) []core.Check {
	tags := core.TagsOfMap(core.JSONBody[glueCreateIn](c).Tags)
	if len(tags) == 0 {
		return nil
	}
	return []core.Check{{Action: "glue:TagResource", Resources: glueCreateResources(c)[1:], Context: core.RequestTagContext(tags)}}
}

// glueNamedResources: the catalog and the database the body's Name names.
func glueNamedResources(c *core.Req) []string {
	in := core.JSONBody[glueNamedIn](c)
	return []string{glueARN(c, in.CatalogID, "catalog"), glueARN(c, in.CatalogID, "database/"+glueName(in.Name))}
}

// glueDeleteResources: deleting a database also deletes its tables and functions.
func glueDeleteResources(c *core.Req) []string {
	in := core.JSONBody[glueNamedIn](c)
	name := glueName(in.Name)
	return append(glueNamedResources(c), glueARN(c, in.CatalogID, "table/"+name+"/*"), glueARN(c, in.CatalogID, "userDefinedFunction/"+name+"/*"))
}

func glueAllResources(c *core.Req) []string {
	catalog := core.JSONBody[struct{ CatalogID string }](c).CatalogID
	return []string{glueARN(c, catalog, "catalog"), glueARN(c, catalog, "database/*")}
}

func glueNamedTags(c *core.Req) map[string][]string {
	if d := glueOf(c).databases[glueName(core.JSONBody[glueNamedIn](c).Name)]; d != nil {
		return core.ResourceTagContext(d.tags)
	}
	return nil
}

// checkGlueInput validates a database definition's fields.
func checkGlueInput(in *glueDatabaseInput) *core.APIError {
	if in == nil {
		return glueInvalid("1 validation error detected: Value null at 'databaseInput' failed to satisfy constraint: Member must not be null")
	}
	if err := checkGlueName(in.Name); err != nil {
		return err
	}
	if utf8.RuneCountInString(in.Description) > 2048 {
		return glueInvalid("1 validation error detected: Value at 'databaseInput.description' failed to satisfy constraint: Member must have length less than or equal to 2048")
	}
	if utf8.RuneCountInString(in.LocationURI) > 1024 {
		return glueInvalid("1 validation error detected: Value at 'databaseInput.locationUri' failed to satisfy constraint: Member must have length less than or equal to 1024")
	}
	return nil
}

func glueCreateDatabase(c *core.Req) (any, error) {
	var in glueCreateIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := checkGlueCatalog(c, in.CatalogID); err != nil {
		return nil, err
	}
	if err := checkGlueInput(in.DatabaseInput); err != nil {
		return nil, err
	}
	if err := checkGlueTags(in.Tags); err != nil {
		return nil, err
	}
	st := glueOf(c)
	name := glueName(in.DatabaseInput.Name)
	if st.databases[name] != nil {
		return nil, core.NewError("AlreadyExistsException", 400, "Database already exists.")
	}
	st.databases[name] = &glueDatabase{
		name: name, description: in.DatabaseInput.Description, locationURI: in.DatabaseInput.LocationURI,
		parameters: in.DatabaseInput.Parameters, created: c.Now, tags: core.TagsOfMap(in.Tags),
	}
	return nil, nil
}

type glueDatabaseOut struct {
	Name                          string            `json:"Name"`
	Description                   string            `json:"Description,omitempty"`
	LocationURI                   string            `json:"LocationUri,omitempty"`
	Parameters                    map[string]string `json:"Parameters,omitempty"`
	CreateTime                    core.WireTime     `json:"CreateTime"`
	CreateTableDefaultPermissions []map[string]any  `json:"CreateTableDefaultPermissions"`
	CatalogID                     string            `json:"CatalogId"`
}

// view renders a database; new tables default to IAM-only access (IAM_ALLOWED_PRINCIPALS), as
// in an account that has not opted into Lake Formation permissions.
func (d *glueDatabase) view(c *core.Req) glueDatabaseOut {
	return glueDatabaseOut{
		Name: d.name, Description: d.description, LocationURI: d.locationURI, Parameters: d.parameters, CreateTime: core.WireTime(d.created),
		CreateTableDefaultPermissions: []map[string]any{{
			"Principal": map[string]string{"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"}, "Permissions": []string{"ALL"},
		}},
		CatalogID: c.Account.Id,
	}
}

// glueFind finds the database the body's Name names.
func glueFind(c *core.Req) (*glueDatabase, glueNamedIn, *core.APIError) {
	var in glueNamedIn
	if err := c.DecodeJSON(&in); err != nil {
		return nil, in, err
	}
	if err := checkGlueCatalog(c, in.CatalogID); err != nil {
		return nil, in, err
	}
	if err := checkGlueName(in.Name); err != nil {
		return nil, in, err
	}
	d := glueOf(c).databases[glueName(in.Name)]
	if d == nil {
		return nil, in, glueNotFound(in.Name)
	}
	return d, in, nil
}

func glueGetDatabase(c *core.Req) (any, error) {
	d, _, err := glueFind(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Database": d.view(c)}, nil
}

type glueDatabasesResult struct {
	DatabaseList []glueDatabaseOut `json:"DatabaseList"`
	NextToken    string            `json:"NextToken,omitempty"`
}

func glueGetDatabases(c *core.Req) (any, error) {
	var in struct {
		CatalogID, NextToken string
		MaxResults           *int
	}
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if err := checkGlueCatalog(c, in.CatalogID); err != nil {
		return nil, err
	}
	size := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, glueInvalid("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100", *in.MaxResults)
		}
		size = *in.MaxResults
	}
	page, next, ok := core.PageByToken(glueOf(c).sorted(), in.NextToken, size)
	if !ok {
		return nil, glueInvalid("Invalid NextToken")
	}
	out := glueDatabasesResult{DatabaseList: []glueDatabaseOut{}, NextToken: next}
	for _, d := range page {
		out.DatabaseList = append(out.DatabaseList, d.view(c))
	}
	return out, nil
}

func glueUpdateDatabase(c *core.Req) (any, error) {
	d, in, err := glueFind(c)
	if err != nil {
		return nil, err
	}
	if err := checkGlueInput(in.DatabaseInput); err != nil {
		return nil, err
	}
	if glueName(in.DatabaseInput.Name) != d.name {
		return nil, glueInvalid("Renaming a database is not supported: %s to %s", d.name, in.DatabaseInput.Name)
	}
	d.description, d.locationURI, d.parameters = in.DatabaseInput.Description, in.DatabaseInput.LocationURI, in.DatabaseInput.Parameters
	return nil, nil
}

func glueDeleteDatabase(c *core.Req) (any, error) {
	d, _, err := glueFind(c)
	if err != nil {
		return nil, err
	}
	delete(glueOf(c).databases, d.name)
	return nil, nil
}
