package network

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// keyDeletionWindowDays is the waiting period of a force-destroyed key: KMS's shortest, and
// still a week in which CancelKeyDeletion recovers the data.
const keyDeletionWindowDays = 7

// networkKey is the network's own KMS key as found in AWS.
type networkKey struct {
	arn      string
	state    kmstypes.KeyState
	rotation bool
	policy   string
	tags     map[string]string
	aliased  bool // the network's alias points at it
}

// keyTags are the key's tags: the network's, and its Name (the alias without alias/).
func (r *networkRun) keyTags() map[string]string {
	return r.objectTags(strings.TrimPrefix(r.spec.KMSAlias(), "alias/"), nil)
}

// dnsSuffix is the partition's service domain.
func (r *networkRun) dnsSuffix() string {
	if r.partition == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// SidKeyPolicyAutoScalingUsesTheKey and SidKeyPolicyAutoScalingGrantsTheKey are the statements
// of the network key's policy that let Auto Scaling launch the workspaces' nodes with volumes
// encrypted with the key.
const (
	SidKeyPolicyAutoScalingUsesTheKey   = "AutoScalingEncryptsWorkspaceNodeVolumes"
	SidKeyPolicyAutoScalingGrantsTheKey = "AutoScalingGrantsTheKeyToWorkspaceNodeVolumes"
)

// AutoScalingServiceLinkedRoleARN is the role Auto Scaling launches instances as (the managed
// node groups' Auto Scaling groups use it).
func AutoScalingServiceLinkedRoleARN(partition, accountID string) string {
	return "arn:" + partition + ":iam::" + accountID + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

// keyPolicy lets the account administer the key (through its IAM policies, as every key the
// console makes does), the connection role manage this key (and no other: the grant lives in the
// key's policy), the connection role and the connection's workload roles use it, but only through
// S3 (the bucket) and SSM (the workspaces' SecureString parameters), Auto Scaling encrypt the
// workspaces' node volumes, and CloudWatch Logs encrypt the workspaces' control-plane log groups.
func (r *networkRun) keyPolicy() string {
	account := "arn:" + r.partition + ":iam::" + r.accountID + ":root"
	workloadRoles := "arn:" + r.partition + ":iam::" + r.accountID + ":role/" + connpolicy.Spec{ConnectionID: r.spec.ConnectionID}.NamePrefix() + "*"
	logGroups := "arn:" + r.partition + ":logs:" + r.region + ":" + r.accountID + ":log-group:" +
		connpolicy.ClusterLogGroupName(connpolicy.Spec{ConnectionID: r.spec.ConnectionID}.NamePrefix()+"*")
	s3Service := "s3." + r.region + "." + r.dnsSuffix()
	ssmService := "ssm." + r.region + "." + r.dnsSuffix()
	crypto := iampolicy.Values{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}
	autoScaling := AutoScalingServiceLinkedRoleARN(r.partition, r.accountID)
	doc := iampolicy.Document{Version: iampolicy.Version, Statement: []iampolicy.Statement{
		{Sid: "AccountAdministersTheKeyThroughIam", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{account}}, Action: iampolicy.Values{"kms:*"}, Resource: iampolicy.Values{"*"}},
		{Sid: connpolicy.SidKeyPolicyConnectionRoleManagesTheKey, Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{r.spec.RoleARN}}, Action: iampolicy.Values(connpolicy.KeyPolicyRoleActions()), Resource: iampolicy.Values{"*"}},
		{Sid: "ConnectionRoleUsesTheKeyThroughS3AndSsm", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{r.spec.RoleARN}}, Action: crypto, Resource: iampolicy.Values{"*"},
			Condition: iampolicy.Conditions{"StringEquals": {"kms:ViaService": iampolicy.Values{s3Service, ssmService}}}},
		{Sid: "WorkloadRolesUseTheKeyThroughS3", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{"*"}}, Action: crypto, Resource: iampolicy.Values{"*"},
			Condition: iampolicy.Conditions{
				"StringEquals": {"kms:CallerAccount": iampolicy.Values{r.accountID}, "kms:ViaService": iampolicy.Values{s3Service}},
				"ArnLike":      {"aws:PrincipalArn": iampolicy.Values{workloadRoles}},
			}},
		// The workspaces' node volumes are encrypted with the network's key (their launch
		// templates say so), and Auto Scaling launches the nodes: its service-linked role must
		// use the key and grant it to the volumes. Named by aws:PrincipalArn with the account's
		// principals, not as the statement's principal: KMS refuses a policy naming a role that
		// does not exist yet, and the role is made with the account's first Auto Scaling group.
		{Sid: SidKeyPolicyAutoScalingUsesTheKey, Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{"*"}},
			Action:    iampolicy.Values{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			Resource:  iampolicy.Values{"*"},
			Condition: iampolicy.Conditions{
				"StringEquals": {"kms:CallerAccount": iampolicy.Values{r.accountID}},
				"ArnEquals":    {"aws:PrincipalArn": iampolicy.Values{autoScaling}},
			}},
		{Sid: SidKeyPolicyAutoScalingGrantsTheKey, Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{AWS: iampolicy.Values{"*"}},
			Action:    iampolicy.Values{"kms:CreateGrant"},
			Resource:  iampolicy.Values{"*"},
			Condition: iampolicy.Conditions{
				"StringEquals": {"kms:CallerAccount": iampolicy.Values{r.accountID}},
				"ArnEquals":    {"aws:PrincipalArn": iampolicy.Values{autoScaling}},
				"Bool":         {"kms:GrantIsForAWSResource": iampolicy.Values{"true"}},
			}},
		// Workspaces encrypt their EKS control-plane log groups with the network's key.
		{Sid: "CloudWatchLogsEncryptsWorkspaceLogGroups", Effect: iampolicy.Allow,
			Principal: &iampolicy.Principal{Service: iampolicy.Values{"logs." + r.region + "." + r.dnsSuffix()}},
			Action:    iampolicy.Values{"kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"},
			Resource:  iampolicy.Values{"*"},
			Condition: iampolicy.Conditions{"ArnLike": {"kms:EncryptionContext:aws:logs:arn": iampolicy.Values{logGroups}}}},
	}}
	return doc.JSON()
}

// findNetworkKey finds the network's key: the one its alias points at (a key retained by an
// earlier destroy is adopted, so its data stays readable), else the recorded key if it still
// carries the network's tag (its alias was deleted: the repair puts it back).
func (r *networkRun) findNetworkKey(ctx context.Context, recordedARN string) (*networkKey, error) {
	recordedExists := false
	if recordedARN != "" {
		aliased, err := r.keyHasAlias(ctx, recordedARN)
		if err != nil && !errors.Is(err, lakesail.ErrNotFound) {
			return nil, err
		}
		if err == nil && aliased {
			return r.observeKey(ctx, recordedARN, true)
		}
		recordedExists = err == nil
	}
	keyID, err := r.aliasTarget(ctx)
	if err != nil {
		return nil, err
	}
	if keyID != "" {
		return r.observeKey(ctx, keyID, true)
	}
	if recordedExists {
		key, err := r.observeKey(ctx, recordedARN, false)
		if err != nil || key.state == kmstypes.KeyStatePendingDeletion || key.tags[connpolicy.TagNetwork] == r.spec.NetworkID {
			return key, err
		}
	}
	return nil, nil
}

// keyHasAlias lists the key's aliases (a bounded call: the aliases of one key).
func (r *networkRun) keyHasAlias(ctx context.Context, keyARN string) (bool, error) {
	pages := kms.NewListAliasesPaginator(r.kms, &kms.ListAliasesInput{KeyId: aws.String(keyARN)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return false, lakesail.Classify("kms:ListAliases", err)
		}
		for _, a := range page.Aliases {
			if aws.ToString(a.AliasName) == r.spec.KMSAlias() {
				return true, nil
			}
		}
	}
	return false, nil
}

// aliasTarget is the key id the network's alias points at, "" when there is no such alias.
// KMS has no lookup by alias name that does not need permission on the key first, so the
// region's aliases are paged through until it is found.
func (r *networkRun) aliasTarget(ctx context.Context) (string, error) {
	pages := kms.NewListAliasesPaginator(r.kms, &kms.ListAliasesInput{Limit: aws.Int32(100)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", lakesail.Classify("kms:ListAliases", err)
		}
		for _, a := range page.Aliases {
			if aws.ToString(a.AliasName) == r.spec.KMSAlias() {
				return aws.ToString(a.TargetKeyId), nil
			}
		}
	}
	return "", nil
}

// observeKey reads the key's state, rotation, policy and tags.
func (r *networkRun) observeKey(ctx context.Context, keyID string, aliased bool) (*networkKey, error) {
	described, err := r.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		return nil, lakesail.Classify("kms:DescribeKey", err)
	}
	key := &networkKey{arn: aws.ToString(described.KeyMetadata.Arn), state: described.KeyMetadata.KeyState, aliased: aliased}
	if key.state == kmstypes.KeyStatePendingDeletion {
		return key, nil // nothing else can be read or changed until its deletion is cancelled
	}
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() error {
		out, err := r.kms.GetKeyRotationStatus(gctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(key.arn)})
		if err != nil {
			return lakesail.Classify("kms:GetKeyRotationStatus", err)
		}
		key.rotation = out.KeyRotationEnabled
		return nil
	})
	group.Go(func() error {
		out, err := r.kms.GetKeyPolicy(gctx, &kms.GetKeyPolicyInput{KeyId: aws.String(key.arn), PolicyName: aws.String("default")})
		if err != nil {
			return lakesail.Classify("kms:GetKeyPolicy", err)
		}
		key.policy = aws.ToString(out.Policy)
		return nil
	})
	group.Go(func() error {
		tags := map[string]string{}
		pages := kms.NewListResourceTagsPaginator(r.kms, &kms.ListResourceTagsInput{KeyId: aws.String(key.arn)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(gctx)
			if err != nil {
				return lakesail.Classify("kms:ListResourceTags", err)
			}
			for _, t := range page.Tags {
				tags[aws.ToString(t.TagKey)] = aws.ToString(t.TagValue)
			}
		}
		key.tags = tags
		return nil
	})
	return key, group.Wait()
}

// drift says how the key differs from what the network wants.
func (r *networkRun) keyDrift(key *networkKey) []string {
	what := "KMS key " + key.arn
	switch key.state {
	case kmstypes.KeyStateEnabled:
	case kmstypes.KeyStatePendingDeletion:
		return []string{what + " is scheduled for deletion"}
	default:
		return []string{what + " is " + string(key.state)}
	}
	var out []string
	if !key.rotation {
		out = append(out, what+": automatic rotation is off")
	}
	if !key.aliased {
		out = append(out, what+": alias "+r.spec.KMSAlias()+" is missing")
	}
	if !lakesail.EquivalentPolicies(key.policy, r.keyPolicy()) {
		out = append(out, what+": the key policy was changed")
	}
	return append(out, describeTagDiff(what, key.tags, r.keyTags())...)
}

// ensureKey creates the network's key, or adopts and repairs the one it has.
func (b *networkBuild) ensureKey(ctx context.Context, recordedARN string) (string, error) {
	r := b.r
	key, err := r.findNetworkKey(ctx, recordedARN)
	if err != nil {
		return "", lakesail.WrapStep(err, "looking for the network's KMS key %s", r.spec.KMSAlias())
	}
	if key == nil {
		// No tags in CreateKey: tagging a key as it is created is authorized as kms:TagResource on
		// no particular key, which the role is not granted. The key is tagged right after, under
		// its own policy, which lets the role manage this key alone.
		out, err := r.kms.CreateKey(ctx, &kms.CreateKeyInput{
			Description: aws.String("LakeSail network " + r.spec.NetworkID + " of connection " + r.spec.ConnectionID + ": encrypts the workspace bucket"),
			KeySpec:     kmstypes.KeySpecSymmetricDefault,
			KeyUsage:    kmstypes.KeyUsageTypeEncryptDecrypt,
			Origin:      kmstypes.OriginTypeAwsKms,
			MultiRegion: aws.Bool(false),
			Policy:      aws.String(r.keyPolicy()),
		})
		if err != nil {
			return "", lakesail.WrapStep(lakesail.Classify("kms:CreateKey", err), "creating the network's KMS key")
		}
		key = &networkKey{arn: aws.ToString(out.KeyMetadata.Arn), state: out.KeyMetadata.KeyState, policy: r.keyPolicy(), tags: map[string]string{}}
		// The tags and the alias are how the key is found again: without them the key would be
		// orphaned, so a key that cannot get them is rolled back (it holds no data yet).
		if err := r.finishNewKey(ctx, key); err != nil {
			return "", err
		}
	}
	b.note(func(n *Network) { n.KMSKeyARN, n.KMSAlias = key.arn, r.spec.KMSAlias() })
	if key.state != kmstypes.KeyStateEnabled {
		return "", &KeyUnusableError{KeyARN: key.arn, State: string(key.state)}
	}
	return key.arn, r.repairKey(ctx, key)
}

// finishNewKey tags a key just created and gives it its alias, or schedules its deletion when it
// cannot.
func (r *networkRun) finishNewKey(ctx context.Context, key *networkKey) error {
	tags := r.keyTags()
	if _, err := r.kms.TagResource(ctx, &kms.TagResourceInput{KeyId: aws.String(key.arn), Tags: kmsTags(tags)}); err != nil {
		return r.rollBackNewKey(ctx, key, lakesail.WrapStep(lakesail.Classify("kms:TagResource", err), "tagging the new KMS key %s", key.arn))
	}
	key.tags = tags
	if _, err := r.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(r.spec.KMSAlias()), TargetKeyId: aws.String(key.arn)}); err != nil {
		return r.rollBackNewKey(ctx, key, lakesail.WrapStep(lakesail.Classify("kms:CreateAlias", err), "creating alias %s for the new KMS key %s", r.spec.KMSAlias(), key.arn))
	}
	key.aliased = true
	return nil
}

// rollBackNewKey schedules the deletion of a key just created that failed to get its tags or
// alias, and returns failed with what became of the key.
func (r *networkRun) rollBackNewKey(ctx context.Context, key *networkKey, failed error) error {
	// The rollback must run even when ctx is what failed the call (a timeout or an interrupt
	// mid-create): a key left without its tags and alias is found by nothing.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lakesail.RollbackTimeout)
	defer cancel()
	_, rollback := r.kms.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(key.arn), PendingWindowInDays: aws.Int32(keyDeletionWindowDays)})
	if rollback != nil {
		return fmt.Errorf("%w; the new key could not be rolled back either (%w): delete it yourself", failed, lakesail.Classify("kms:ScheduleKeyDeletion", rollback))
	}
	return fmt.Errorf("%w (the new key was scheduled for deletion)", failed)
}

// repairKey turns rotation on and puts back the alias, the key policy and the tags. The key
// policy goes first, with the account's own credentials (the connection role may never change a
// key policy); once it is in place its statement for the role lets the role do the rest.
func (r *networkRun) repairKey(ctx context.Context, key *networkKey) error {
	if !lakesail.EquivalentPolicies(key.policy, r.keyPolicy()) {
		if err := r.restoreKeyPolicy(ctx, key); err != nil {
			return err
		}
	}
	group, gctx := errgroup.WithContext(ctx)
	if !key.rotation {
		group.Go(func() error {
			_, err := r.kms.EnableKeyRotation(gctx, &kms.EnableKeyRotationInput{KeyId: aws.String(key.arn)})
			return lakesail.WrapStep(lakesail.Classify("kms:EnableKeyRotation", err), "enabling rotation of KMS key %s", key.arn)
		})
	}
	if !key.aliased {
		group.Go(func() error {
			_, err := r.kms.CreateAlias(gctx, &kms.CreateAliasInput{AliasName: aws.String(r.spec.KMSAlias()), TargetKeyId: aws.String(key.arn)})
			return lakesail.WrapStep(lakesail.Classify("kms:CreateAlias", err), "creating alias %s for KMS key %s", r.spec.KMSAlias(), key.arn)
		})
	}
	if set, remove := tagDiff(key.tags, r.keyTags()); len(set) > 0 || len(remove) > 0 {
		group.Go(func() error {
			if len(remove) > 0 {
				_, err := r.kms.UntagResource(gctx, &kms.UntagResourceInput{KeyId: aws.String(key.arn), TagKeys: remove})
				if err != nil {
					return lakesail.WrapStep(lakesail.Classify("kms:UntagResource", err), "removing tags %v from KMS key %s", remove, key.arn)
				}
			}
			if len(set) > 0 {
				// The connection tag goes with every tagging request, so the request says whose
				// key it is even to a policy that looks only at the request.
				set[connpolicy.TagConnection] = r.spec.ConnectionID
				_, err := r.kms.TagResource(gctx, &kms.TagResourceInput{KeyId: aws.String(key.arn), Tags: kmsTags(set)})
				return lakesail.WrapStep(lakesail.Classify("kms:TagResource", err), "tagging KMS key %s", key.arn)
			}
			return nil
		})
	}
	return group.Wait()
}

// restoreKeyPolicy puts back the key's policy with the account's own credentials.
func (r *networkRun) restoreKeyPolicy(ctx context.Context, key *networkKey) error {
	owner, err := r.ownerKMS(ctx, key.arn, "key policy")
	if err != nil {
		return err
	}
	_, err = owner.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(key.arn), PolicyName: aws.String("default"), Policy: aws.String(r.keyPolicy())})
	if err != nil {
		return &lakesail.OwnerCredentialsRequiredError{Resource: "KMS key " + key.arn, Setting: "key policy", Err: lakesail.Classify("kms:PutKeyPolicy", err)}
	}
	key.policy = r.keyPolicy()
	return nil
}

// retireKey removes the alias and schedules the key's deletion (force_destroy).
func (r *networkRun) retireKey(ctx context.Context, key *networkKey) error {
	if key.aliased {
		_, err := r.kms.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String(r.spec.KMSAlias())})
		if err := lakesail.IgnoreNotFound(lakesail.Classify("kms:DeleteAlias", err)); err != nil {
			return lakesail.WrapStep(err, "deleting alias %s", r.spec.KMSAlias())
		}
	}
	if key.state == kmstypes.KeyStatePendingDeletion {
		return nil
	}
	_, err := r.kms.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(key.arn), PendingWindowInDays: aws.Int32(keyDeletionWindowDays)})
	return lakesail.WrapStep(lakesail.IgnoreNotFound(lakesail.Classify("kms:ScheduleKeyDeletion", err)), "scheduling the deletion of KMS key %s", key.arn)
}

func kmsTags(tags map[string]string) []kmstypes.Tag {
	keys := slices.Sorted(maps.Keys(tags))
	out := make([]kmstypes.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, kmstypes.Tag{TagKey: aws.String(k), TagValue: aws.String(tags[k])})
	}
	return out
}
