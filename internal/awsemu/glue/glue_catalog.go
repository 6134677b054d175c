package glue

import (
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Account-wide settings of the Data Catalog: its resource policy and its encryption settings.
// The Service Authorization Reference authorizes both writes on the root catalog
// (arn:aws:glue:<region>:<account>:catalog) with no condition keys of their own.

func glueCatalogOps() []*core.Operation {
	catalog := func(c *core.Req) []string {
		in := core.JSONBody[struct{ CatalogID string }](c)
		return []string{glueARN(c, in.CatalogID, "catalog")}
	}
	return []*core.Operation{
		{Name: "PutResourcePolicy", Action: "glue:PutResourcePolicy", Resources: catalog, Handle: gluePutResourcePolicy},
		{Name: "GetResourcePolicy", Action: "glue:GetResourcePolicy", Resources: catalog, Handle: glueGetResourcePolicy},
		{Name: "PutDataCatalogEncryptionSettings", Action: "glue:PutDataCatalogEncryptionSettings", Resources: catalog, Handle: gluePutEncryption},
		{Name: "GetDataCatalogEncryptionSettings", Action: "glue:GetDataCatalogEncryptionSettings", Resources: catalog, Handle: glueGetEncryption},
	}
}

func gluePutResourcePolicy(c *core.Req) (any, error) {
	var in struct{ PolicyInJson string }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.PolicyInJson == "" {
		return nil, glueInvalid("1 validation error detected: Value null at 'policyInJson' failed to satisfy constraint: Member must not be null")
	}
	st := glueOf(c)
	st.policy = in.PolicyInJson
	return map[string]string{"PolicyHash": "emu-" + core.NewID("", 16)}, nil
}

func glueGetResourcePolicy(c *core.Req) (any, error) {
	st := glueOf(c)
	if st.policy == "" {
		return nil, core.NewError("EntityNotFoundException", 400, "Policy not found")
	}
	return map[string]string{"PolicyInJson": st.policy}, nil
}

func gluePutEncryption(c *core.Req) (any, error) {
	var in struct{ DataCatalogEncryptionSettings map[string]any }
	if err := c.DecodeJSON(&in); err != nil {
		return nil, err
	}
	if in.DataCatalogEncryptionSettings == nil {
		return nil, glueInvalid("1 validation error detected: Value null at 'dataCatalogEncryptionSettings' failed to satisfy constraint: Member must not be null")
	}
	glueOf(c).encryption = in.DataCatalogEncryptionSettings
	return map[string]any{}, nil
}

func glueGetEncryption(c *core.Req) (any, error) {
	settings := glueOf(c).encryption
	if settings == nil {
		settings = map[string]any{"EncryptionAtRest": map[string]any{"CatalogEncryptionMode": "DISABLED"}}
	}
	return map[string]any{"DataCatalogEncryptionSettings": settings}, nil
}
