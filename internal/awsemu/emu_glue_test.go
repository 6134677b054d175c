package awsemu

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func glueClient(e *Emulator, creds aws.Credentials) *glue.Client {
	return glue.NewFromConfig(e.AWSConfig(static(creds)), func(o *glue.Options) { o.Retryer = fastRetry() })
}

func TestEmuGlueDatabaseRoundTrip(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	c := glueClient(e, e.RootCredentials())
	_, err := c.CreateDatabase(bg, &glue.CreateDatabaseInput{
		DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("LakeSail_WS1_Sales"), Description: aws.String("sales"), LocationUri: aws.String("s3://bucket/sales/"),
			Parameters: map[string]string{"owner": "ws1"}},
		Tags: map[string]string{"LakeSail-Workspace": "ws1"},
	})
	must(t, err)
	// Glue lower-cases names, so a differently cased name is the same database.
	_, err = c.CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("lakesail_ws1_sales")}})
	var exists *gluetypes.AlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("duplicate: %v", err)
	}
	got, err := c.GetDatabase(bg, &glue.GetDatabaseInput{Name: aws.String("LAKESAIL_ws1_SALES")})
	must(t, err)
	d := got.Database
	if *d.Name != "lakesail_ws1_sales" || *d.Description != "sales" || *d.LocationUri != "s3://bucket/sales/" || d.Parameters["owner"] != "ws1" ||
		!d.CreateTime.Equal(t0) || *d.CatalogId != "123456789012" || len(d.CreateTableDefaultPermissions) != 1 ||
		*d.CreateTableDefaultPermissions[0].Principal.DataLakePrincipalIdentifier != "IAM_ALLOWED_PRINCIPALS" {
		t.Fatalf("database = %+v", d)
	}
	_, err = c.GetDatabase(bg, &glue.GetDatabaseInput{Name: aws.String("nope")})
	var nf *gluetypes.EntityNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("missing: %v", err)
	}

	for _, n := range []string{"b", "a", "c"} {
		_, err := c.CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(n)}})
		must(t, err)
	}
	var names []string
	p := glue.NewGetDatabasesPaginator(c, &glue.GetDatabasesInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		page, err := p.NextPage(bg)
		must(t, err)
		for _, d := range page.DatabaseList {
			names = append(names, *d.Name)
		}
	}
	if fmt.Sprint(names) != "[a b c lakesail_ws1_sales]" {
		t.Fatalf("databases = %v", names)
	}

	_, err = c.UpdateDatabase(bg, &glue.UpdateDatabaseInput{Name: aws.String("a"), DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("A"), Description: aws.String("new")}})
	must(t, err)
	got, err = c.GetDatabase(bg, &glue.GetDatabaseInput{Name: aws.String("a")})
	must(t, err)
	if *got.Database.Description != "new" {
		t.Fatalf("updated = %+v", got.Database)
	}
	_, err = c.UpdateDatabase(bg, &glue.UpdateDatabaseInput{Name: aws.String("a"), DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("z")}})
	wantCode(t, err, "InvalidInputException")

	arn := aws.String("arn:aws:glue:us-east-1:123456789012:database/lakesail_ws1_sales")
	tags, err := c.GetTags(bg, &glue.GetTagsInput{ResourceArn: arn})
	must(t, err)
	if tags.Tags["LakeSail-Workspace"] != "ws1" {
		t.Fatalf("tags = %v", tags.Tags)
	}
	_, err = c.TagResource(bg, &glue.TagResourceInput{ResourceArn: arn, TagsToAdd: map[string]string{"b": "2"}})
	must(t, err)
	_, err = c.UntagResource(bg, &glue.UntagResourceInput{ResourceArn: arn, TagsToRemove: []string{"LakeSail-Workspace"}})
	must(t, err)
	tags, err = c.GetTags(bg, &glue.GetTagsInput{ResourceArn: arn})
	must(t, err)
	if fmt.Sprint(tags.Tags) != "map[b:2]" {
		t.Fatalf("tags after = %v", tags.Tags)
	}
	_, err = c.GetTags(bg, &glue.GetTagsInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:123456789012:database/none")})
	wantCode(t, err, "EntityNotFoundException")

	_, err = c.DeleteDatabase(bg, &glue.DeleteDatabaseInput{Name: aws.String("LakeSail_WS1_Sales")})
	must(t, err)
	_, err = c.DeleteDatabase(bg, &glue.DeleteDatabaseInput{Name: aws.String("lakesail_ws1_sales")})
	wantCode(t, err, "EntityNotFoundException")
	_, err = c.CreateDatabase(bg, &glue.CreateDatabaseInput{CatalogId: aws.String("999999999999"), DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("x")}})
	wantCode(t, err, "EntityNotFoundException")
}

// CreateDatabase is authorized on the catalog and on the (lower-cased) database, and tagging on
// create needs glue:TagResource; tags decide access to existing databases.
func TestEmuGlueAuthorization(t *testing.T) {
	e, _ := newTestEmu(t, Options{})
	catalog := "arn:aws:glue:us-east-1:123456789012:catalog"
	r := createRole(t, iamClient(e, e.RootCredentials()), &iam.CreateRoleInput{RoleName: aws.String("catalog")}, doc(
		allow("glue:CreateDatabase", []string{catalog, "arn:aws:glue:us-east-1:123456789012:database/lakesail_*"}),
		stmt{Effect: "Allow", Action: []string{"glue:GetDatabase", "glue:DeleteDatabase"}, Resource: "*", Condition: map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}},
	))
	s := glueClient(e, assume(t, e, e.RootCredentials(), *r.Arn, ""))
	_, err := s.CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("LakeSail_Mine")}})
	must(t, err)
	_, err = s.CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("other")}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "database/other")
	_, err = s.CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("lakesail_tagged")}, Tags: map[string]string{"team": "blue"}})
	wantCode(t, err, "AccessDeniedException")
	wantContains(t, errMessage(err), "glue:TagResource")

	root := glueClient(e, e.RootCredentials())
	_, err = root.TagResource(bg, &glue.TagResourceInput{ResourceArn: aws.String("arn:aws:glue:us-east-1:123456789012:database/lakesail_mine"), TagsToAdd: map[string]string{"team": "blue"}})
	must(t, err)
	_, err = root.CreateDatabase(bg, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String("red")}, Tags: map[string]string{"team": "red"}})
	must(t, err)
	_, err = s.GetDatabase(bg, &glue.GetDatabaseInput{Name: aws.String("lakesail_mine")})
	must(t, err)
	_, err = s.GetDatabase(bg, &glue.GetDatabaseInput{Name: aws.String("red")})
	wantCode(t, err, "AccessDeniedException")
	_, err = s.DeleteDatabase(bg, &glue.DeleteDatabaseInput{Name: aws.String("lakesail_mine")})
	must(t, err)
	calls := e.Calls()
	last := calls[len(calls)-1]
	if fmt.Sprint(last.Resources) != "[arn:aws:glue:us-east-1:123456789012:catalog arn:aws:glue:us-east-1:123456789012:database/lakesail_mine arn:aws:glue:us-east-1:123456789012:table/lakesail_mine/* arn:aws:glue:us-east-1:123456789012:userDefinedFunction/lakesail_mine/*]" {
		t.Fatalf("DeleteDatabase resources = %v", last.Resources)
	}
}
