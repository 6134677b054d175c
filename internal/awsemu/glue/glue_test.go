package glue_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

func TestEmuGlueDatabaseRoundTrip(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	c := emutest.GlueClient(e, e.RootCredentials())
	_, err := c.CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{
		DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("LakeSail_WS1_Sales"), Description: aws.String("sales"), LocationUri: aws.String("s3://bucket/sales/"),
			Parameters: map[string]string{"owner": "ws1"}},
		Tags: map[string]string{"LakeSail-Workspace": "ws1"},
	})
	emutest.Must(t, err)
	// Glue lower-cases names, so a differently cased name is the same database.
	_, err = c.CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("lakesail_ws1_sales")}})
	var exists *gluetypes.AlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("duplicate: %v", err)
	}
	got, err := c.GetDatabase(emutest.Bg, &glue.GetDatabaseInput{Name: aws.String("LAKESAIL_ws1_SALES")})
	emutest.Must(t, err)
	d := got.Database
	if *d.Name != "lakesail_ws1_sales" || *d.Description != "sales" || *d.LocationUri != "s3://bucket/sales/" || d.Parameters["owner"] != "ws1" ||
		!d.CreateTime.Equal(emutest.T0) || *d.CatalogId != "123456789012" || len(d.CreateTableDefaultPermissions) != 1 ||
		*d.CreateTableDefaultPermissions[0].Principal.DataLakePrincipalIdentifier != "IAM_ALLOWED_PRINCIPALS" {
		t.Fatalf("database = %+v", d)
	}
	_, err = c.GetDatabase(emutest.Bg, &glue.GetDatabaseInput{Name: aws.String("nope")})
	var nf *gluetypes.EntityNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("missing: %v", err)
	}

	for _, n := range []string{"b", "a", "c"} {
		_, err := c.CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(n)}})
		emutest.Must(t, err)
	}
	var names []string
	p := glue.NewGetDatabasesPaginator(c, &glue.GetDatabasesInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		page, err := p.NextPage(emutest.Bg)
		emutest.Must(t, err)
		for _, d := range page.DatabaseList {
			names = append(names, *d.Name)
		}
	}
	if fmt.Sprint(names) != "[a b c lakesail_ws1_sales]" {
		t.Fatalf("databases = %v", names)
	}

	_, err = c.UpdateDatabase(emutest.Bg, &glue.UpdateDatabaseInput{Name: aws.String("a"), DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("A"), Description: aws.String("new")}})
	emutest.Must(t, err)
	got, err = c.GetDatabase(emutest.Bg, &glue.GetDatabaseInput{Name: aws.String("a")})
	emutest.Must(t, err)
	if *got.Database.Description != "new" {
		t.Fatalf("updated = %+v", got.Database)
	}
	_, err = c.UpdateDatabase(emutest.Bg, &glue.UpdateDatabaseInput{Name: aws.String("a"), DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("z")}})
	emutest.WantCode(t, err, "InvalidInputException")

	arn := aws.String("arn:aws:glue:us-east-1:123456789012:database/lakesail_ws1_sales")
	tags, err := c.GetTags(emutest.Bg, &glue.GetTagsInput{ResourceArn: arn})
	emutest.Must(t, err)
	if tags.Tags["LakeSail-Workspace"] != "ws1" {
		t.Fatalf("tags = %v", tags.Tags)
	}
	_, err = c.TagResource(emutest.Bg, &glue.TagResourceInput{ResourceArn: arn, TagsToAdd: map[string]string{"b": "2"}})
	emutest.Must(t, err)
	_, err = c.UntagResource(emutest.Bg, &glue.UntagResourceInput{ResourceArn: arn, TagsToRemove: []string{"LakeSail-Workspace"}})
	emutest.Must(t, err)
	tags, err = c.GetTags(emutest.Bg, &glue.GetTagsInput{ResourceArn: arn})
	emutest.Must(t, err)
	if fmt.Sprint(tags.Tags) != "map[b:2]" {
		t.Fatalf("tags after = %v", tags.Tags)
	}
	_, err = c.GetTags(emutest.Bg, &glue.GetTagsInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:123456789012:database/none")})
	emutest.WantCode(t, err, "EntityNotFoundException")

	_, err = c.DeleteDatabase(emutest.Bg, &glue.DeleteDatabaseInput{Name: aws.String("LakeSail_WS1_Sales")})
	emutest.Must(t, err)
	_, err = c.DeleteDatabase(emutest.Bg, &glue.DeleteDatabaseInput{Name: aws.String("lakesail_ws1_sales")})
	emutest.WantCode(t, err, "EntityNotFoundException")
	_, err = c.CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{CatalogId: aws.String("999999999999"), DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("x")}})
	emutest.WantCode(t, err, "EntityNotFoundException")
}

// CreateDatabase is authorized on the catalog and on the (lower-cased) database, and tagging on
// create needs glue:TagResource; tags decide access to existing databases.
func TestEmuGlueAuthorization(t *testing.T) {
	e, _ := emutest.NewTestEmu(t, awsemu.Options{})
	catalog := "arn:aws:glue:us-east-1:123456789012:catalog"
	r := emutest.CreateRole(t, emutest.IamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("catalog")}, emutest.Doc(
		emutest.Allow("glue:CreateDatabase", []string{catalog, "arn:aws:glue:us-east-1:123456789012:database/lakesail_*"}),
		emutest.Stmt{Effect: "Allow", Action: []string{"glue:GetDatabase", "glue:DeleteDatabase"}, Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}},
	))
	s := emutest.GlueClient(e, emutest.Assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err := s.CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("LakeSail_Mine")}})
	emutest.Must(t, err)
	_, err = s.CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("other")}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "database/other")
	_, err = s.CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("lakesail_tagged")}, Tags: map[string]string{"team": "blue"}})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "glue:TagResource")

	root := emutest.GlueClient(e, e.RootCredentials())
	_, err = root.TagResource(emutest.Bg, &glue.TagResourceInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:123456789012:database/lakesail_mine"), TagsToAdd: map[string]string{"team": "blue"}})
	emutest.Must(t, err)
	_, err = root.CreateDatabase(emutest.Bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("red")}, Tags: map[string]string{"team": "red"}})
	emutest.Must(t, err)
	_, err = s.GetDatabase(emutest.Bg, &glue.GetDatabaseInput{Name: aws.String("lakesail_mine")})
	emutest.Must(t, err)
	_, err = s.GetDatabase(emutest.Bg, &glue.GetDatabaseInput{Name: aws.String("red")})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = s.DeleteDatabase(emutest.Bg, &glue.DeleteDatabaseInput{Name: aws.String("lakesail_mine")})
	emutest.Must(t, err)
	calls := e.Calls()
	last := calls[len(calls)-1]
	if fmt.Sprint(last.Resources) != "[arn:aws:glue:us-east-1:123456789012:catalog arn:aws:glue:us-east-1:123456789012:database/lakesail_mine arn:aws:glue:us-east-1:123456789012:table/lakesail_mine/* arn:aws:glue:us-east-1:123456789012:userDefinedFunction/lakesail_mine/*]" {
		t.Fatalf("DeleteDatabase resources = %v", last.Resources)
	}
}
