package awsemu

import "unicode/utf8"

func glueDatabaseOps() []*Operation {
	return []*Operation{
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
func glueCreateResources(c *Req) []string {
	in := jsonBody[glueCreateIn](c)
	name := ""
	if in.DatabaseInput != nil {
		name = glueName(in.DatabaseInput.Name)
	}
	return []string{glueARN(c, in.CatalogID, "catalog"), glueARN(c, in.CatalogID, "database/"+name)}
}

func glueCreateTags(c *Req) map[string][]string {
	return requestTagContext(tagsOfMap(jsonBody[glueCreateIn](c).Tags))
}

// glueTagOnCreate: creating a database with tags also needs glue:TagResource on it.
func glueTagOnCreate(c *Req) []Check {
	tags := tagsOfMap(jsonBody[glueCreateIn](c).Tags)
	if len(tags) == 0 {
		return nil
	}
	return []Check{{Action: "glue:TagResource", Resources: glueCreateResources(c)[1:], Context: requestTagContext(tags)}}
}

// glueNamedResources: the catalog and the database the body's Name names.
func glueNamedResources(c *Req) []string {
	in := jsonBody[glueNamedIn](c)
	return []string{glueARN(c, in.CatalogID, "catalog"), glueARN(c, in.CatalogID, "database/"+glueName(in.Name))}
}

// glueDeleteResources: deleting a database also deletes its tables and functions.
func glueDeleteResources(c *Req) []string {
	in := jsonBody[glueNamedIn](c)
	name := glueName(in.Name)
	return append(glueNamedResources(c), glueARN(c, in.CatalogID, "table/"+name+"/*"), glueARN(c, in.CatalogID, "userDefinedFunction/"+name+"/*"))
}

func glueAllResources(c *Req) []string {
	catalog := jsonBody[struct{ CatalogID string }](c).CatalogID
	return []string{glueARN(c, catalog, "catalog"), glueARN(c, catalog, "database/*")}
}

func glueNamedTags(c *Req) map[string][]string {
	if d := glueOf(c).databases[glueName(jsonBody[glueNamedIn](c).Name)]; d != nil {
		return resourceTagContext(d.tags)
	}
	return nil
}

// checkGlueInput validates a database definition's fields.
func checkGlueInput(in *glueDatabaseInput) *APIError {
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

func glueCreateDatabase(c *Req) (any, error) {
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
		return nil, apiError("AlreadyExistsException", 400, "Database already exists.")
	}
	st.databases[name] = &glueDatabase{
		name: name, description: in.DatabaseInput.Description, locationURI: in.DatabaseInput.LocationURI,
		parameters: in.DatabaseInput.Parameters, created: c.Now, tags: tagsOfMap(in.Tags),
	}
	return nil, nil
}

type glueDatabaseOut struct {
	Name                          string            `json:"Name"`
	Description                   string            `json:"Description,omitempty"`
	LocationURI                   string            `json:"LocationUri,omitempty"`
	Parameters                    map[string]string `json:"Parameters,omitempty"`
	CreateTime                    wireTime          `json:"CreateTime"`
	CreateTableDefaultPermissions []map[string]any  `json:"CreateTableDefaultPermissions"`
	CatalogID                     string            `json:"CatalogId"`
}

// view renders a database; new tables default to IAM-only access (IAM_ALLOWED_PRINCIPALS), as
// in an account that has not opted into Lake Formation permissions.
func (d *glueDatabase) view(c *Req) glueDatabaseOut {
	return glueDatabaseOut{
		Name: d.name, Description: d.description, LocationURI: d.locationURI, Parameters: d.parameters, CreateTime: wireTime(d.created),
		CreateTableDefaultPermissions: []map[string]any{{
			"Principal": map[string]string{"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"}, "Permissions": []string{"ALL"},
		}},
		CatalogID: c.Account.id,
	}
}

// glueFind finds the database the body's Name names.
func glueFind(c *Req) (*glueDatabase, glueNamedIn, *APIError) {
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

func glueGetDatabase(c *Req) (any, error) {
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

func glueGetDatabases(c *Req) (any, error) {
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
	page, next, ok := pageByToken(glueOf(c).sorted(), in.NextToken, size)
	if !ok {
		return nil, glueInvalid("Invalid NextToken")
	}
	out := glueDatabasesResult{DatabaseList: []glueDatabaseOut{}, NextToken: next}
	for _, d := range page {
		out.DatabaseList = append(out.DatabaseList, d.view(c))
	}
	return out, nil
}

func glueUpdateDatabase(c *Req) (any, error) {
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

func glueDeleteDatabase(c *Req) (any, error) {
	d, _, err := glueFind(c)
	if err != nil {
		return nil, err
	}
	delete(glueOf(c).databases, d.name)
	return nil, nil
}
