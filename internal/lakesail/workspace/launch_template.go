package workspace

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// The system node group launches from a LakeSail launch template. It is what puts the
// workspace's tags on the nodes, their volumes and network interfaces (managed node groups do
// not propagate the node group's tags), and WorkloadBoundary lets the VPC CNI act only on what
// carries them. It also requires IMDSv2 with a hop limit of 1 (pods cannot take the node's
// credentials), encrypts the root volume with the network's key and puts the nodes in the
// network's security group.
//
// Node <-> control plane traffic: with security groups in a template EKS no longer adds the
// cluster security group to the nodes. The cluster is created with the network's security group
// as its additional control-plane security group (createCluster), which EKS attaches to the
// control plane's network interfaces, and the network's group admits all traffic from its own
// members: nodes and control plane reach each other through it. EKS's cluster security group is
// left untouched (and untagged: tagging an object the connection did not create is the take-over
// the envelope forbids).

// rootDeviceName is the block device the node group's disk size applies to: the root volume of
// Amazon Linux and Windows, the data volume (images and pods) of Bottlerocket.
func rootDeviceName(amiType string) string {
	switch {
	case strings.HasPrefix(amiType, "BOTTLEROCKET"):
		return "/dev/xvdb"
	case strings.HasPrefix(amiType, "WINDOWS"):
		return "/dev/sda1"
	}
	return "/dev/xvda"
}

// LaunchTemplateName is the system node group's launch template: lakesail-<conn>-<ws>-system.
func (s Spec) LaunchTemplateName() string { return s.ClusterName() + "-" + s.NodeGroupName() }

// templateInstanceType is the instance type the template carries: the node group's only one.
// Several instance types stay on the node group (a template holds one), where EKS cannot change
// them.
func (ng NodeGroupSpec) templateInstanceType() string {
	if len(ng.InstanceTypes) == 1 {
		return ng.InstanceTypes[0]
	}
	return ""
}

// InstanceTypesChangeInPlace tells whether the node group's instance types can change from old
// to new by a new launch template version: a single instance type lives in the template; a list
// of several lives on the node group, which EKS cannot change.
func InstanceTypesChangeInPlace(old, new []string) bool {
	return slices.Equal(old, new) || (len(old) == 1 && len(new) == 1)
}

// nodeTagTypes are the resources the template tags at launch.
var nodeTagTypes = []ec2types.ResourceType{ec2types.ResourceTypeInstance, ec2types.ResourceTypeVolume, ec2types.ResourceTypeNetworkInterface}

func ec2TagList(tags map[string]string) []ec2types.Tag {
	out := make([]ec2types.Tag, 0, len(tags))
	for _, k := range sortedMapKeys(tags) {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

func ec2TagMap(tags []ec2types.Tag) map[string]string {
	out := map[string]string{}
	for _, t := range tags {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

// launchTemplateData is what every node of the system node group launches with.
func (s Spec) launchTemplateData() *ec2types.RequestLaunchTemplateData {
	ng := s.SystemNodeGroup
	tags := ec2TagList(s.WorkspaceTags())
	data := &ec2types.RequestLaunchTemplateData{
		MetadataOptions: &ec2types.LaunchTemplateInstanceMetadataOptionsRequest{
			HttpEndpoint:            ec2types.LaunchTemplateInstanceMetadataEndpointStateEnabled,
			HttpTokens:              ec2types.LaunchTemplateHttpTokensStateRequired,
			HttpPutResponseHopLimit: aws.Int32(1),
		},
		BlockDeviceMappings: []ec2types.LaunchTemplateBlockDeviceMappingRequest{{
			DeviceName: aws.String(rootDeviceName(ng.AMIType)),
			Ebs: &ec2types.LaunchTemplateEbsBlockDeviceRequest{
				VolumeSize: aws.Int32(int32(ng.DiskSize)), VolumeType: ec2types.VolumeTypeGp3, Encrypted: aws.Bool(true),
				KmsKeyId: aws.String(s.Network.KMSKeyARN), DeleteOnTermination: aws.Bool(true),
			},
		}},
		SecurityGroupIds: []string{s.Network.SecurityGroupID},
	}
	if t := ng.templateInstanceType(); t != "" {
		data.InstanceType = ec2types.InstanceType(t)
	}
	for _, rt := range nodeTagTypes {
		data.TagSpecifications = append(data.TagSpecifications, ec2types.LaunchTemplateTagSpecificationRequest{ResourceType: rt, Tags: tags})
	}
	return data
}

// nodeTemplate is the workspace's launch template as found in EC2, with its latest version.
type nodeTemplate struct {
	id     string
	tags   map[string]string
	latest int64
	data   *ec2types.ResponseLaunchTemplateData // the latest version's
	// made: the latest version was just made from the spec (data is not read back).
	made bool
}

func (t *nodeTemplate) latestVersion() string { return strconv.FormatInt(t.latest, 10) }

// findLaunchTemplate finds the workspace's launch template by name and reads its latest version;
// it returns an error wrapping ErrNotFound when there is none. A read, where the template
// usually exists, asks for both at once (the version by template name and $Latest); before a
// create, where it usually does not, the version is asked for only once the template is found.
func (c *Client) findLaunchTemplate(ctx context.Context, s Spec, usuallyExists bool) (*nodeTemplate, error) {
	latestVersion := func() (*ec2types.LaunchTemplateVersion, error) {
		out, err := c.EC2().DescribeLaunchTemplateVersions(ctx, &ec2.DescribeLaunchTemplateVersionsInput{
			LaunchTemplateName: aws.String(s.LaunchTemplateName()), Versions: []string{"$Latest"}})
		switch {
		case lakesail.ErrorCode(err) == "InvalidLaunchTemplateName.NotFoundException":
			return nil, nil // the lookup reports the template missing
		case err != nil:
			return nil, lakesail.Classify("ec2:DescribeLaunchTemplateVersions", err)
		case len(out.LaunchTemplateVersions) == 0:
			return nil, nil
		}
		return &out.LaunchTemplateVersions[0], nil
	}
	var t *nodeTemplate
	var latest *ec2types.LaunchTemplateVersion
	if usuallyExists {
		var reads errgroup.Group
		reads.Go(func() (err error) { t, err = c.lookUpLaunchTemplate(ctx, s); return err })
		reads.Go(func() (err error) { latest, err = latestVersion(); return err })
		if err := reads.Wait(); err != nil {
			return nil, err
		}
	} else {
		var err error
		if t, err = c.lookUpLaunchTemplate(ctx, s); err != nil {
			return nil, err
		}
		if latest, err = latestVersion(); err != nil {
			return nil, err
		}
	}
	// A version made between the two reads is read at the next refresh; meanwhile the template
	// shows no readable latest version, which is drift.
	if latest != nil && aws.ToInt64(latest.VersionNumber) == t.latest {
		t.data = latest.LaunchTemplateData
	}
	return t, nil
}

// lookUpLaunchTemplate finds the workspace's launch template by name, without its versions.
func (c *Client) lookUpLaunchTemplate(ctx context.Context, s Spec) (*nodeTemplate, error) {
	api := c.EC2()
	out, err := api.DescribeLaunchTemplates(ctx, &ec2.DescribeLaunchTemplatesInput{
		Filters: []ec2types.Filter{{Name: aws.String("launch-template-name"), Values: []string{s.LaunchTemplateName()}}}})
	if err != nil {
		return nil, lakesail.Classify("ec2:DescribeLaunchTemplates", err)
	}
	if len(out.LaunchTemplates) == 0 {
		return nil, lakesail.NewNotFound("ec2:DescribeLaunchTemplates", "InvalidLaunchTemplateName.NotFoundException",
			"launch template "+s.LaunchTemplateName()+" does not exist")
	}
	lt := out.LaunchTemplates[0]
	return &nodeTemplate{id: aws.ToString(lt.LaunchTemplateId), tags: ec2TagMap(lt.Tags), latest: aws.ToInt64(lt.LatestVersionNumber)}, nil
}

// drift describes, in words, how the template's latest version differs from what the spec
// launches (empty when it launches the spec's nodes).
func (t *nodeTemplate) drift(s Spec) []string {
	what := "launch template " + s.LaunchTemplateName()
	d := t.data
	if t.made {
		return nil
	}
	if d == nil {
		return []string{what + " has no readable latest version"}
	}
	var out []string
	if m := d.MetadataOptions; m == nil || m.HttpTokens != ec2types.LaunchTemplateHttpTokensStateRequired ||
		aws.ToInt32(m.HttpPutResponseHopLimit) != 1 || m.HttpEndpoint == ec2types.LaunchTemplateInstanceMetadataEndpointStateDisabled {
		out = append(out, what+" does not require IMDSv2 with a hop limit of 1")
	}
	ng := s.SystemNodeGroup
	var ebs *ec2types.LaunchTemplateEbsBlockDevice
	for _, m := range d.BlockDeviceMappings {
		if aws.ToString(m.DeviceName) == rootDeviceName(ng.AMIType) {
			ebs = m.Ebs
		}
	}
	switch {
	case ebs == nil || !aws.ToBool(ebs.Encrypted) || aws.ToString(ebs.KmsKeyId) != s.Network.KMSKeyARN:
		out = append(out, what+" does not encrypt the nodes' volumes with the network's key")
	case int(aws.ToInt32(ebs.VolumeSize)) != ng.DiskSize || ebs.VolumeType != ec2types.VolumeTypeGp3:
		out = append(out, fmt.Sprintf("%s gives the nodes %d GiB %s volumes, not %d GiB gp3", what, aws.ToInt32(ebs.VolumeSize), ebs.VolumeType, ng.DiskSize))
	}
	if !slices.Equal(d.SecurityGroupIds, []string{s.Network.SecurityGroupID}) || len(d.NetworkInterfaces) > 0 {
		out = append(out, what+" does not put the nodes in the network's security group only")
	}
	if string(d.InstanceType) != ng.templateInstanceType() {
		out = append(out, fmt.Sprintf("%s launches instance type %q, not %q", what, d.InstanceType, ng.templateInstanceType()))
	}
	if aws.ToString(d.ImageId) != "" || aws.ToString(d.UserData) != "" || d.IamInstanceProfile != nil {
		out = append(out, what+" sets an image, user data or instance profile")
	}
	want := s.WorkspaceTags()
	for _, rt := range nodeTagTypes {
		var have map[string]string
		for _, spec := range d.TagSpecifications {
			if spec.ResourceType == rt {
				have = ec2TagMap(spec.Tags)
			}
		}
		if !maps.Equal(have, want) {
			out = append(out, fmt.Sprintf("%s does not give the nodes' %s resources the workspace's tags", what, rt))
		}
	}
	return out
}

// instanceTypes are the node group's instance types: the template's one, or the node group's.
func (t *nodeTemplate) instanceTypes(nodeGroupTypes []string) []string {
	if t != nil && t.data != nil && t.data.InstanceType != "" {
		return []string{string(t.data.InstanceType)}
	}
	return nodeGroupTypes
}

// diskSize is the size of the template's node volume (0 when it has none).
func (t *nodeTemplate) diskSize(amiType string) int {
	if t == nil || t.data == nil {
		return 0
	}
	for _, m := range t.data.BlockDeviceMappings {
		if aws.ToString(m.DeviceName) == rootDeviceName(amiType) && m.Ebs != nil {
			return int(aws.ToInt32(m.Ebs.VolumeSize))
		}
	}
	return 0
}

// ensureLaunchTemplate finds the workspace's launch template, or creates it tagged with the
// workspace's tags (tag-on-create: the connection's tag is what lets the role change it later).
// The template is not brought in line here: see currentLaunchTemplateVersion.
func (c *Client) ensureLaunchTemplate(ctx context.Context, s Spec) (*nodeTemplate, error) {
	existing, err := c.findLaunchTemplate(ctx, s, false)
	if err == nil {
		return existing, c.checkTemplateOwner(s, existing)
	}
	if !errors.Is(err, lakesail.ErrNotFound) {
		return nil, err
	}
	api := c.EC2()
	out, err := api.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(s.LaunchTemplateName()),
		VersionDescription: aws.String("LakeSail workspace " + s.WorkspaceID + ": system nodes"),
		LaunchTemplateData: s.launchTemplateData(),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeLaunchTemplate,
			Tags: ec2TagList(s.WorkspaceTags())}},
	})
	if err != nil {
		var awsErr *lakesail.AWSError
		if classified := lakesail.Classify("ec2:CreateLaunchTemplate", err); errors.As(classified, &awsErr) &&
			awsErr.Code == "InvalidLaunchTemplateName.AlreadyExistsException" {
			// Made by a concurrent or interrupted attempt.
			existing, err := c.findLaunchTemplate(ctx, s, false)
			if err != nil {
				return nil, err
			}
			return existing, c.checkTemplateOwner(s, existing)
		}
		return nil, lakesail.Classify("ec2:CreateLaunchTemplate", err)
	}
	lt := out.LaunchTemplate
	return &nodeTemplate{id: aws.ToString(lt.LaunchTemplateId), tags: s.WorkspaceTags(), latest: aws.ToInt64(lt.LatestVersionNumber), made: true}, nil
}

// checkTemplateOwner refuses a template of the workspace's name that is not the workspace's.
func (c *Client) checkTemplateOwner(s Spec, t *nodeTemplate) error {
	if t.tags[TagWorkspace] != s.WorkspaceID {
		return &lakesail.ConflictError{What: "launch template " + s.LaunchTemplateName() + " (" + t.id + ")",
			Err: errors.New("it exists but is not tagged " + TagWorkspace + "=" + s.WorkspaceID)}
	}
	return nil
}

// currentLaunchTemplateVersion brings the template in line with the spec (its own tags, and a
// new version when the latest one launches anything else) and returns the version to launch.
func (c *Client) currentLaunchTemplateVersion(ctx context.Context, s Spec, t *nodeTemplate) (string, error) {
	api := c.EC2()
	if err := c.retagLaunchTemplate(ctx, api, s, t); err != nil {
		return "", err
	}
	if drift := t.drift(s); len(drift) > 0 {
		c.Log(ctx, "new launch template version", map[string]any{"template": s.LaunchTemplateName(), "drift": drift})
		out, err := api.CreateLaunchTemplateVersion(ctx, &ec2.CreateLaunchTemplateVersionInput{
			LaunchTemplateId:   aws.String(t.id),
			VersionDescription: aws.String("LakeSail workspace " + s.WorkspaceID + ": system nodes"),
			LaunchTemplateData: s.launchTemplateData(),
		})
		if err != nil {
			return "", lakesail.Classify("ec2:CreateLaunchTemplateVersion", err)
		}
		t.latest = aws.ToInt64(out.LaunchTemplateVersion.VersionNumber)
		t.data, t.made = nil, true
		// The default version is what the nodes run, for whoever looks at the template.
		_, err = api.ModifyLaunchTemplate(ctx, &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: aws.String(t.id), DefaultVersion: aws.String(t.latestVersion())})
		if err != nil {
			return "", lakesail.Classify("ec2:ModifyLaunchTemplate", err)
		}
	}
	return t.latestVersion(), nil
}

// retagLaunchTemplate makes the template's own tags the workspace's.
func (c *Client) retagLaunchTemplate(ctx context.Context, api lakesail.EC2API, s Spec, t *nodeTemplate) error {
	stale, changed := lakesail.TagDiff(t.tags, s.WorkspaceTags())
	if err := retagEC2(ctx, api, t.id, stale, changed); err != nil {
		return err
	}
	t.tags = s.WorkspaceTags()
	return nil
}

// retagEC2 removes the stale keys from one EC2 object and sets the changed tags on it.
func retagEC2(ctx context.Context, api lakesail.EC2API, id string, stale []string, changed map[string]string) error {
	if len(stale) > 0 {
		keys := make([]ec2types.Tag, 0, len(stale))
		for _, k := range stale {
			keys = append(keys, ec2types.Tag{Key: aws.String(k)})
		}
		_, err := api.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: keys})
		if err != nil {
			return lakesail.Classify("ec2:DeleteTags", err)
		}
	}
	if len(changed) > 0 {
		_, err := api.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: ec2TagList(changed)})
		if err != nil {
			return lakesail.Classify("ec2:CreateTags", err)
		}
	}
	return nil
}

// deleteLaunchTemplate deletes the workspace's template, if it is there; the node group must be
// gone.
func (c *Client) deleteLaunchTemplate(ctx context.Context, s Spec) error {
	t, err := c.lookUpLaunchTemplate(ctx, s)
	if errors.Is(err, lakesail.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if t.tags[TagWorkspace] != s.WorkspaceID {
		c.Log(ctx, "leaving a launch template that is not the workspace's", map[string]any{"template": t.id})
		return nil
	}
	api := c.EC2()
	_, err = api.DeleteLaunchTemplate(ctx, &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: aws.String(t.id)})
	return lakesail.IgnoreNotFound(lakesail.Classify("ec2:DeleteLaunchTemplate", err))
}
