package lakesail

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// iamConcurrency bounds parallel IAM calls: IAM throttles bursts per account.
const iamConcurrency = 4

// DefaultMaxSessionDuration is the connection role's default maximum session length.
const DefaultMaxSessionDuration = time.Hour

// ConnectionSpec is the desired state of a connection's IAM objects.
type ConnectionSpec struct {
	// Policy is what the documents are rendered from. AccountID and Partition may be left
	// empty: the client fills them in.
	Policy connpolicy.Spec
	// MaxSessionDuration of the role, 1h to 12h (DefaultMaxSessionDuration when zero).
	MaxSessionDuration time.Duration
	// Tags are extra tags (the provider's default_tags and the resource's tags); the LakeSail
	// tags win over them.
	Tags map[string]string
}

// ConnectionTags are the tags every object of the connection carries: the extra tags, overlaid
// with the LakeSail tags.
func (s ConnectionSpec) ConnectionTags() map[string]string {
	tags := maps.Clone(s.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, connpolicy.Tags(s.Policy))
	return tags
}

func (s ConnectionSpec) maxSession() time.Duration {
	if s.MaxSessionDuration == 0 {
		return DefaultMaxSessionDuration
	}
	return s.MaxSessionDuration
}

// Bundle renders the connection's documents for this client's account and partition.
func (c *Client) Bundle(ctx context.Context, spec ConnectionSpec) (*connpolicy.Bundle, error) {
	policy, err := c.completePolicySpec(ctx, spec.Policy)
	if err != nil {
		return nil, err
	}
	return connpolicy.Build(policy)
}

func (c *Client) completePolicySpec(ctx context.Context, s connpolicy.Spec) (connpolicy.Spec, error) {
	if s.AccountID == "" {
		account, err := c.AccountID(ctx)
		if err != nil {
			return s, err
		}
		s.AccountID = account
	}
	if s.Partition == "" {
		s.Partition = c.Partition()
	}
	if s.LakeSailPrincipal == "" {
		s.LakeSailPrincipal = c.LakeSailPrincipal()
	}
	return s, nil
}

// CreateConnection creates the connection's policies and role. onRoleNamed is called before the
// first AWS call that changes anything, so the caller can record the connection and always be
// able to delete what a failed create left behind. A role of the same name that already exists
// is a *ConflictError before onRoleNamed and before any change: recording it would let the
// caller's delete remove a role (and policies) this create never made.
func (c *Client) CreateConnection(ctx context.Context, spec ConnectionSpec, onRoleNamed func(roleName string)) (*Connection, error) {
	bundle, err := c.Bundle(ctx, spec)
	if err != nil {
		return nil, err
	}
	api := iamClient(c.cfg, c.opts)
	switch _, err := findRole(ctx, api, bundle.RoleName); {
	case err == nil:
		return nil, &ConflictError{What: "IAM role " + bundle.RoleName,
			Err: &AWSError{Action: "iam:GetRole", Code: "EntityAlreadyExists", Message: "role " + bundle.RoleName + " exists"}}
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	if onRoleNamed != nil {
		onRoleNamed(bundle.RoleName)
	}
	tags := spec.ConnectionTags()

	// The boundary must exist before the role that carries it, and every policy before it is
	// attached; the policies are independent of each other.
	if err := createPolicies(ctx, api, bundle.Managed(), tags); err != nil {
		return nil, err
	}
	_, err = api.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(bundle.RoleName),
		Path:                     aws.String(bundle.RolePath),
		AssumeRolePolicyDocument: aws.String(bundle.Trust.JSON),
		PermissionsBoundary:      aws.String(bundle.RoleBoundary.ARN),
		MaxSessionDuration:       aws.Int32(int32(spec.maxSession() / time.Second)),
		Description:              aws.String("LakeSail connection " + bundle.Spec.ConnectionID + ": assumed by LakeSail with the connection's external ID."),
		Tags:                     iamTags(tags),
	})
	if err != nil {
		var exists *iamtypes.EntityAlreadyExistsException
		if errors.As(err, &exists) {
			return nil, &ConflictError{What: "IAM role " + bundle.RoleName, Err: classify("iam:CreateRole", err)}
		}
		return nil, classify("iam:CreateRole", err)
	}
	if err := attachPolicies(ctx, api, bundle.RoleName, bundle.AttachedPolicyARNs()); err != nil {
		return nil, err
	}
	return c.ReadConnection(ctx, spec)
}

func createPolicies(ctx context.Context, api *iam.Client, policies []*connpolicy.Policy, tags map[string]string) error {
	group, ctx := errgroup.WithContext(ctx)
	group.SetLimit(iamConcurrency)
	for _, p := range policies {
		group.Go(func() error {
			return createManagedPolicy(ctx, api, p.ARN, managedPolicy{
				Name: p.Name, Path: p.Path, Description: p.Description, Document: p.JSON, Tags: tags,
			})
		})
	}
	return group.Wait()
}

func attachPolicies(ctx context.Context, api *iam.Client, roleName string, arns []string) error {
	group, ctx := errgroup.WithContext(ctx)
	group.SetLimit(iamConcurrency)
	for _, policyARN := range arns {
		group.Go(func() error {
			_, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)})
			return classify("iam:AttachRolePolicy", err)
		})
	}
	return group.Wait()
}

// DeleteConnection removes the role and the connection's policies in the order IAM requires:
// detach and delete inline policies, remove the boundary reference by deleting the role, then
// delete the policies. Objects already gone count as deleted.
func (c *Client) DeleteConnection(ctx context.Context, spec ConnectionSpec) error {
	bundle, err := c.Bundle(ctx, spec)
	if err != nil {
		return err
	}
	api := iamClient(c.cfg, c.opts)
	if err := deleteRole(ctx, api, bundle.RoleName); err != nil {
		return err
	}
	group, gctx := errgroup.WithContext(ctx)
	group.SetLimit(iamConcurrency)
	for _, p := range bundle.Managed() {
		if p.Kind == connpolicy.KindRoleBoundary || p.Kind == connpolicy.KindWorkloadBoundary {
			continue // still boundaries of other roles until those are gone; deleted last
		}
		group.Go(func() error { return deleteManagedPolicy(gctx, api, p.ARN) })
	}
	if err := group.Wait(); err != nil {
		return err
	}
	for _, p := range []*connpolicy.Policy{bundle.RoleBoundary, bundle.WorkloadBoundary} {
		if err := deleteManagedPolicy(ctx, api, p.ARN); err != nil {
			var awsErr *AWSError
			if errors.As(err, &awsErr) && awsErr.Code == "DeleteConflict" {
				return fmt.Errorf("%w: %s is still the permissions boundary of roles the connection created (workspaces?); delete them first", err, p.Name)
			}
			return err
		}
	}
	return nil
}

// deleteRole detaches every managed policy, deletes every inline policy and then the role.
func deleteRole(ctx context.Context, api *iam.Client, roleName string) error {
	attached, err := findAttachedPolicyARNs(ctx, api, roleName)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, policyARN := range attached {
		_, err := api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)})
		if err := ignoreNotFound(classify("iam:DetachRolePolicy", err)); err != nil {
			return err
		}
	}
	inline, err := findInlinePolicyNames(ctx, api, roleName)
	if err := ignoreNotFound(err); err != nil {
		return err
	}
	for _, name := range inline {
		_, err := api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(roleName), PolicyName: aws.String(name)})
		if err := ignoreNotFound(classify("iam:DeleteRolePolicy", err)); err != nil {
			return err
		}
	}
	_, err = api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(roleName)})
	return ignoreNotFound(classify("iam:DeleteRole", err))
}

// ConflictError says an object the library would create already exists outside its records.
type ConflictError struct {
	What string
	Err  error
}

func (e *ConflictError) Error() string {
	return e.What + " already exists; import it or choose another name: " + e.Err.Error()
}

func (e *ConflictError) Unwrap() error { return e.Err }
