package connection_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connection"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/lakesailtest"
)

// TestLibConnectionGuardrailsActingAsRole acts as the connection role (assumed with the external
// ID through the emulator, which enforces the policies and the boundary) and checks what it may
// and may not do to IAM.
func TestLibConnectionGuardrailsActingAsRole(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{})
	spec := lakesailtest.ConnectionSpec(emu.AccountID())
	conn := lakesailtest.CreateConnection(t, client, spec)
	bundle, err := connection.New(client).Bundle(ctx, spec)
	lakesailtest.Must(t, err)
	asRole, err := client.AssumeRole(lakesail.RoleSession{RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID})
	lakesailtest.Must(t, err)
	api := iam.NewFromConfig(asRole.AWSConfig())
	root := iam.NewFromConfig(emu.AWSConfig(nil))

	trust := aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	tags := []iamtypes.Tag{{Key: aws.String("LakeSail-Connection"), Value: aws.String(lakesailtest.ConnectionID)},
		{Key: aws.String("Service"), Value: aws.String("LakeSail")}, {Key: aws.String("LakeSail-Tenant"), Value: aws.String(lakesailtest.TenantID)}}
	workloadRole := "lakesail-" + lakesailtest.ConnectionID + "-ws-node"
	createRole := func(name string, boundary *string) error {
		_, err := api.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: trust, PermissionsBoundary: boundary, Tags: tags})
		return err
	}

	// Allowed: a workload role under the connection's prefix carrying WorkloadBoundary.
	lakesailtest.Must(t, createRole(workloadRole, aws.String(bundle.WorkloadBoundary.ARN)))

	denied := []struct {
		name string
		call func() error
	}{
		{"create a role without a boundary", func() error { return createRole(workloadRole+"-a", nil) }},
		{"create a role with another boundary", func() error { return createRole(workloadRole+"-b", aws.String(bundle.RoleBoundary.ARN)) }},
		{"create a role under another name", func() error { return createRole("admin-backdoor", aws.String(bundle.WorkloadBoundary.ARN)) }},
		{"remove its own boundary", func() error {
			_, err := api.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(conn.RoleName)})
			return err
		}},
		{"remove a workload role's boundary", func() error {
			_, err := api.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(workloadRole)})
			return err
		}},
		{"swap its own boundary", func() error {
			_, err := api.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(conn.RoleName), PermissionsBoundary: aws.String(bundle.WorkloadBoundary.ARN)})
			return err
		}},
		{"edit its own policies", func() error {
			_, err := api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(bundle.ExplicitDeny.ARN), SetAsDefault: true,
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
			return err
		}},
		{"edit the workload boundary", func() error {
			_, err := api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(bundle.WorkloadBoundary.ARN), SetAsDefault: true,
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
			return err
		}},
		{"detach its own deny", func() error {
			_, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(conn.RoleName), PolicyArn: aws.String(bundle.ExplicitDeny.ARN)})
			return err
		}},
		{"change its own trust", func() error {
			_, err := api.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String(conn.RoleName), PolicyDocument: trust})
			return err
		}},
		{"add an inline policy to itself", func() error {
			_, err := api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(conn.RoleName), PolicyName: aws.String("x"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)})
			return err
		}},
		{"attach AdministratorAccess to itself", func() error {
			_, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(conn.RoleName), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		}},
		{"attach AdministratorAccess to a workload role", func() error {
			_, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(workloadRole), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
			return err
		}},
		{"touch a role outside the connection", func() error {
			_, err := api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("customer-role")})
			return err
		}},
		{"delete its own role", func() error {
			_, err := api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(conn.RoleName)})
			return err
		}},
	}
	_, err = root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("customer-role"), AssumeRolePolicyDocument: trust})
	lakesailtest.Must(t, err)
	for _, tc := range denied {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
				t.Fatalf("acting as the connection role, %s: got %v, want AccessDenied", tc.name, err)
			}
		})
	}
	// The boundary and deny are untouched, as the root sees it.
	after, err := connection.New(client).Read(ctx, spec)
	lakesailtest.Must(t, err)
	if len(after.Drift) != 0 {
		t.Errorf("the role changed its own connection: %v", after.Drift)
	}
	if got := connpolicy.DefaultRoleName(lakesailtest.ConnectionID); after.RoleName != got {
		t.Errorf("role name %s", after.RoleName)
	}
}

// TestLibConnectionRoleBoundaryNamespaces: services outside RoleBoundary are denied to the
// connection role whatever its policies say, while the account's root can call them.
func TestLibConnectionRoleBoundaryNamespaces(t *testing.T) {
	ctx := context.Background()
	emu, client := newEmulatedClient(t, awsemu.Options{})
	conn := lakesailtest.CreateConnection(t, client, lakesailtest.ConnectionSpec(emu.AccountID()))
	asRole, err := client.AssumeRole(lakesail.RoleSession{RoleARN: conn.RoleARN, ExternalID: lakesailtest.ExternalID})
	lakesailtest.Must(t, err)
	// A miswritten policy that grants these services: the boundary must still hold.
	_, err = iam.NewFromConfig(emu.AWSConfig(nil)).PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(conn.RoleName), PolicyName: aws.String("miswritten"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:*","rds:*","organizations:*"],"Resource":"*"}]}`)})
	lakesailtest.Must(t, err)
	calls := []struct {
		service string
		call    func(cfg aws.Config) error
		rootErr string // what the root gets from an empty standalone account ("" = success)
	}{
		{"dynamodb", func(cfg aws.Config) error {
			_, err := dynamodb.NewFromConfig(cfg).ListTables(ctx, &dynamodb.ListTablesInput{})
			return err
		}, ""},
		{"rds", func(cfg aws.Config) error {
			_, err := rds.NewFromConfig(cfg).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{})
			return err
		}, ""},
		{"organizations", func(cfg aws.Config) error {
			_, err := organizations.NewFromConfig(cfg).ListAccounts(ctx, &organizations.ListAccountsInput{})
			return err
		}, "AWSOrganizationsNotInUseException"},
	}
	for _, tc := range calls {
		t.Run(tc.service, func(t *testing.T) {
			err := tc.call(asRole.AWSConfig())
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) || !strings.HasPrefix(apiErr.ErrorCode(), "AccessDenied") {
				t.Fatalf("as the connection role: %v, want AccessDenied", err)
			}
			if !strings.Contains(apiErr.ErrorMessage(), "permissions boundary") {
				t.Errorf("the denial should name the boundary: %s", apiErr.ErrorMessage())
			}
			err = tc.call(emu.AWSConfig(nil))
			switch {
			case tc.rootErr == "" && err != nil:
				t.Fatalf("as root: %v", err)
			case tc.rootErr != "" && (!errors.As(err, &apiErr) || apiErr.ErrorCode() != tc.rootErr):
				t.Fatalf("as root: %v, want %s", err, tc.rootErr)
			}
		})
	}
}
