package ec2

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2Instance is a launched instance: where it runs, what it was launched from, and its tags.
// Its root volume and primary network interface are resources of their own (ec2Volume,
// ec2NetworkInterface), made with it and deleted when it terminates.
type ec2Instance struct {
	ec2Meta
	owner, reservation    string
	imageID, instType     string
	keyName               string
	subnet, vpc, zone     string
	groups                []string
	launchTemplate        string // id ("" when launched without one)
	launchTemplateVer     int
	privateIP             string
	volumeID, eniID       string
	rootDevice            string
	httpTokens            string // metadata options: "optional" | "required"
	hopLimit              int    // HttpPutResponseHopLimit
	profileARN, profileID string // its IAM instance profile ("" when launched without one)
	state                 string // "running" | "terminated"
	launched, terminated  time.Time
}

func (*ec2Instance) kind() string { return "instance" }

func (i *ec2Instance) authKeys(*core.Req, *ec2State) map[string][]string {
	return map[string][]string{"ec2:AvailabilityZone": {i.zone}, "ec2:InstanceType": {i.instType}, "ec2:InstanceID": {i.id},
		"ec2:RootDeviceType": {"ebs"}, "ec2:Tenancy": {"default"}, "ec2:MetadataHttpTokens": {i.httpTokens},
		"ec2:MetadataHttpPutResponseHopLimit": {strconv.Itoa(i.hopLimit)}}
}

func ec2InstanceSpecs() []ec2Spec {
	return []ec2Spec{
		{name: "RunInstances", targets: func(c *core.Req) []ec2Target { return ec2ResolveLaunch(c).targets(c) },
			also: func(c *core.Req) []core.Check {
				l := ec2ResolveLaunch(c)
				_, pass, _ := l.instanceProfile(c)
				return append(l.tagChecks(c), pass...)
			}, handle: ec2RunInstances},
		{name: "DescribeInstances", handle: ec2DescribeInstances},
		// TerminateInstances is authorized on each instance (instance*, aws:ResourceTag/*).
		{name: "TerminateInstances", targets: ec2EachExisting("instance", "InstanceId"), handle: ec2TerminateInstances},
	}
}

// ec2Launch is a RunInstances request resolved against its launch template: each resource with
// where its value came from. A request parameter overrides the template's.
type ec2Launch struct {
	lt      *ec2LaunchTemplate
	ltVer   *ec2LTVersion
	ltErr   *core.APIError
	image   string
	imageLT bool
	instTyp string
	key     string
	keyLT   bool
	subnet  string
	// subnetLT and groupsLT say the subnet and the security groups came from the template.
	subnetLT     bool
	groups       []string // ids (names resolved in the subnet's VPC)
	groupNames   []string // names not found (reported by the handler)
	groupsLT     bool
	defaultGroup bool // no group given: the VPC's default group
	profile      string
	httpTokens   string
	hopLimit     string
	deviceName   string
	volumeSize   string
	volumeType   string
	encrypted    string
	kmsKeyID     string
	tags         map[string][]core.Tag // by resource type: the template's, then the request's on top
	tagErr       *core.APIError
}

// ec2RunTagTypes are the resource types RunInstances can tag on create.
var ec2RunTagTypes = []string{"instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu"}

func ec2ResolveLaunch(c *core.Req) *ec2Launch {
	s := ec2Of(c)
	l := &ec2Launch{tags: map[string][]core.Tag{}}
	data := map[string]string{}
	if c.Param("LaunchTemplate.LaunchTemplateId") != "" || c.Param("LaunchTemplate.LaunchTemplateName") != "" {
		l.lt, l.ltErr = s.launchTemplate(c, "LaunchTemplate.")
		if l.lt != nil {
			l.ltVer, l.ltErr = l.lt.version(c.Param("LaunchTemplate.Version"))
			if l.ltVer != nil {
				data = l.ltVer.data
			}
		}
	}
	pick := func(req, tmpl string) (string, bool) {
		if v := c.Param(req); v != "" {
			return v, false
		}
		return data[tmpl], data[tmpl] != ""
	}
	l.image, l.imageLT = pick("ImageId", "ImageId")
	l.instTyp, _ = pick("InstanceType", "InstanceType")
	l.key, l.keyLT = pick("KeyName", "KeyName")
	l.profile, _ = pick("IamInstanceProfile.Arn", "IamInstanceProfile.Arn")
	if l.profile == "" {
		l.profile, _ = pick("IamInstanceProfile.Name", "IamInstanceProfile.Name")
	}
	l.httpTokens, _ = pick("MetadataOptions.HttpTokens", "MetadataOptions.HttpTokens")
	l.hopLimit, _ = pick("MetadataOptions.HttpPutResponseHopLimit", "MetadataOptions.HttpPutResponseHopLimit")
	l.deviceName, _ = pick("BlockDeviceMapping.1.DeviceName", "BlockDeviceMapping.1.DeviceName")
	l.volumeSize, _ = pick("BlockDeviceMapping.1.Ebs.VolumeSize", "BlockDeviceMapping.1.Ebs.VolumeSize")
	l.volumeType, _ = pick("BlockDeviceMapping.1.Ebs.VolumeType", "BlockDeviceMapping.1.Ebs.VolumeType")
	l.encrypted, _ = pick("BlockDeviceMapping.1.Ebs.Encrypted", "BlockDeviceMapping.1.Ebs.Encrypted")
	l.kmsKeyID, _ = pick("BlockDeviceMapping.1.Ebs.KmsKeyId", "BlockDeviceMapping.1.Ebs.KmsKeyId")
	// The subnet: SubnetId or the primary interface's, from the request, else from the template.
	switch {
	case c.Param("SubnetId") != "":
		l.subnet = c.Param("SubnetId")
	case c.Param("NetworkInterface.1.SubnetId") != "":
		l.subnet = c.Param("NetworkInterface.1.SubnetId")
	case data["NetworkInterface.1.SubnetId"] != "":
		l.subnet, l.subnetLT = data["NetworkInterface.1.SubnetId"], true
	}
	vpc := ""
	if sn := s.subnets[l.subnet]; sn != nil {
		vpc = sn.vpc
	}
	// The security groups, the same way (ids, or names in the subnet's VPC).
	ids, names := ec2List(c, "SecurityGroupId"), ec2List(c, "SecurityGroup")
	if len(ids) == 0 {
		ids = ec2List(c, "NetworkInterface.1.SecurityGroupId")
	}
	if len(ids) == 0 && len(names) == 0 {
		ids, names = ec2LTDataList(data, "SecurityGroupId"), ec2LTDataList(data, "SecurityGroup")
		if len(ids) == 0 {
			ids = ec2LTDataList(data, "NetworkInterface.1.SecurityGroupId")
		}
		l.groupsLT = len(ids) > 0 || len(names) > 0
	}
	l.groups = ids
	for _, n := range names {
		found := false
		for _, sg := range ec2Sorted(s.sgs) {
			if sg.name == n && (vpc == "" || sg.vpc == vpc) {
				l.groups, found = append(l.groups, sg.id), true
				break
			}
		}
		if !found {
			l.groupNames = append(l.groupNames, n)
		}
	}
	if len(l.groups) == 0 && len(l.groupNames) == 0 && vpc != "" {
		// As EC2 does, an instance launched without a group gets its VPC's default group.
		for _, sg := range ec2Sorted(s.sgs) {
			if sg.vpc == vpc && sg.name == "default" {
				l.groups, l.defaultGroup = []string{sg.id}, true
			}
		}
	}
	// Tags: the template's TagSpecifications, then the request's (a key in both takes the request's value).
	for _, typ := range ec2RunTagTypes {
		merged, err := ec2MergeTags(ec2LTDataTags(data, typ), ec2SpecTags(c, typ))
		if err != nil && l.tagErr == nil {
			l.tagErr = err
		}
		if len(merged) > 0 {
			l.tags[typ] = merged
		}
	}
	for _, m := range ec2Members(c, "TagSpecification") {
		rt := ec2Field(c, m, "ResourceType")
		ok := false
		for _, typ := range ec2RunTagTypes {
			ok = ok || rt == typ
		}
		if !ok && l.tagErr == nil {
			l.tagErr = ec2Invalid("'%s' is not a valid taggable resource type for this operation.", rt)
		}
	}
	return l
}

// ltKeys are ec2:LaunchTemplate and ec2:IsLaunchTemplateResource for one resource of the launch
// (nothing when no template is used): fromTemplate says the resource is the template's, not
// the request's.
func (l *ec2Launch) ltKeys(c *core.Req, fromTemplate bool) map[string][]string {
	if l.lt == nil {
		return nil
	}
	return map[string][]string{"ec2:LaunchTemplate": {ec2ARN(c, "launch-template", l.lt.id)},
		"ec2:IsLaunchTemplateResource": {strconv.FormatBool(fromTemplate)}}
}

// targets are the resources RunInstances is evaluated on, as the Service Authorization
// Reference lists them: the new instance, its volume and network interface (with the request
// tags each will get), and the existing subnet, security groups, image, key pair and launch
// template (with their resource tags); every one of them with ec2:LaunchTemplate and
// ec2:IsLaunchTemplateResource when a template is used.
func (l *ec2Launch) targets(c *core.Req) []ec2Target {
	s := ec2Of(c)
	region := ec2RegionContext(c)
	zone, vpc := "", ""
	if sn := s.subnets[l.subnet]; sn != nil {
		zone, vpc = sn.az.name, sn.vpc
	}
	zoneKey := map[string][]string{}
	if zone != "" {
		zoneKey["ec2:AvailabilityZone"] = []string{zone}
	}
	instType := l.instTyp
	if instType == "" {
		instType = "m1.small"
	}
	instKeys := map[string][]string{"ec2:InstanceType": {instType}, "ec2:Tenancy": {"default"}, "ec2:RootDeviceType": {"ebs"}}
	if l.httpTokens != "" {
		instKeys["ec2:MetadataHttpTokens"] = []string{l.httpTokens}
	}
	if l.hopLimit != "" {
		instKeys["ec2:MetadataHttpPutResponseHopLimit"] = []string{l.hopLimit}
	}
	if l.profile != "" {
		profile := l.profile
		if !strings.HasPrefix(profile, "arn:") {
			profile = "arn:aws:iam::" + c.Account.Id + ":instance-profile/" + profile
		}
		instKeys["ec2:InstanceProfile"] = []string{profile}
	}
	size, vtype, enc := l.volumeSize, l.volumeType, l.encrypted
	if size == "" {
		size = "8"
	}
	if vtype == "" {
		vtype = "gp2"
	}
	if enc == "" {
		enc = "false"
	}
	volKeys := map[string][]string{"ec2:VolumeSize": {size}, "ec2:VolumeType": {vtype}, "ec2:Encrypted": {enc}}
	eniKeys := map[string][]string{}
	if l.subnet != "" {
		eniKeys["ec2:Subnet"] = []string{ec2ARN(c, "subnet", l.subnet)}
	}
	newTarget := func(typ string, keys map[string][]string) ec2Target {
		return ec2Target{arn: ec2ARN(c, typ, "*"), ctx: core.MergeContext(region, core.RequestTagContext(l.tags[typ]), zoneKey, keys, l.ltKeys(c, true))}
	}
	ts := []ec2Target{
		newTarget("instance", instKeys),
		newTarget("volume", volKeys),
		newTarget("network-interface", core.MergeContext(eniKeys, ec2VpcKey(c, vpc))),
	}
	existing := func(typ, id string, fromTemplate bool) {
		t := ec2Existing(c, typ, id)
		t.ctx = core.MergeContext(t.ctx, l.ltKeys(c, fromTemplate))
		ts = append(ts, t)
	}
	if l.subnet != "" {
		existing("subnet", l.subnet, l.subnetLT)
	}
	for _, g := range l.groups {
		existing("security-group", g, l.groupsLT && !l.defaultGroup)
	}
	if l.image != "" {
		// Images are public AWS-owned AMIs to the emulator: no account in the ARN, no tags.
		ts = append(ts, ec2Target{arn: "arn:aws:ec2:" + c.Region + "::image/" + l.image, ctx: core.MergeContext(region,
			map[string][]string{"ec2:ImageID": {l.image}, "ec2:ImageType": {"machine"}, "ec2:Owner": {"amazon"},
				"ec2:Public": {"true"}, "ec2:RootDeviceType": {"ebs"}}, l.ltKeys(c, l.imageLT))})
	}
	if l.key != "" {
		t := ec2Target{arn: ec2ARN(c, "key-pair", l.key), ctx: core.MergeContext(region, map[string][]string{"ec2:KeyPairName": {l.key}}, l.ltKeys(c, l.keyLT))}
		ts = append(ts, t)
	}
	if l.lt != nil {
		existing("launch-template", l.lt.id, true)
	}
	return ts
}

// tagChecks: tagging on create needs ec2:CreateTags on each new resource type that gets tags
// (from the request or the template), with ec2:CreateAction=RunInstances.
func (l *ec2Launch) tagChecks(c *core.Req) []core.Check {
	var checks []core.Check
	for _, typ := range ec2RunTagTypes {
		if tags := l.tags[typ]; len(tags) > 0 {
			ctx := core.MergeContext(core.RequestTagContext(tags), ec2RegionContext(c), map[string][]string{"ec2:CreateAction": {"RunInstances"}})
			checks = append(checks, core.Check{Action: "ec2:CreateTags", Resources: []string{ec2ARN(c, typ, "*")}, Context: ctx})
		}
	}
	return checks
}

// instanceProfile finds the launch's instance profile (the request's, else its template's)
// through IAM, and what launching with it asks of the caller: iam:PassRole of the profile's role,
// passed to ec2.amazonaws.com (the Service Authorization Reference lists iam:PassRole among
// ec2:RunInstances' dependent actions, internal/authref ec2.go). RunInstances asks it when it is
// authorized, with its other checks, so a dry run answers it too; each launch of a fleet asks it
// as the launch's own (fleetLaunch). A launch without a profile, or with one that holds no role,
// passes nothing; a profile the caller's account does not have is InvalidParameterValue.
func (l *ec2Launch) instanceProfile(c *core.Req) (ec2InstanceProfile, []core.Check, *core.APIError) {
	if l.profile == "" {
		return ec2InstanceProfile{}, nil, nil
	}
	p, ok := ec2IAMOf(c).InstanceProfile(c, l.profile)
	if !ok {
		return ec2InstanceProfile{}, nil, ec2Invalid("Value (%s) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name", l.profile)
	}
	if p.RoleARN == "" {
		return p, nil, nil
	}
	return p, []core.Check{core.PassRole(p.RoleARN, "ec2.amazonaws.com", ec2ARN(c, "instance", "*"))}, nil
}

func ec2RunInstances(c *core.Req) (any, error) {
	l := ec2ResolveLaunch(c)
	if l.ltErr != nil {
		return nil, l.ltErr
	}
	if l.tagErr != nil {
		return nil, l.tagErr
	}
	if err := ec2Required(c, "MinCount", "MaxCount"); err != nil {
		return nil, err
	}
	minCount, err1 := strconv.Atoi(c.Param("MinCount"))
	maxCount, err2 := strconv.Atoi(c.Param("MaxCount"))
	if err1 != nil || err2 != nil || minCount < 1 || maxCount < minCount {
		return nil, ec2Invalid("Invalid value for MinCount/MaxCount.")
	}
	if maxCount > 20 {
		return nil, core.NewError("InstanceLimitExceeded", 400, "You have requested more instances (%d) than your current instance limit of 20 allows.", maxCount)
	}
	if l.image == "" {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter ImageId")
	}
	if !strings.HasPrefix(l.image, "ami-") {
		return nil, core.NewError("InvalidAMIID.Malformed", 400, "Invalid id: \"%s\" (expecting \"ami-...\")", l.image)
	}
	if l.key != "" {
		return nil, core.NewError("InvalidKeyPair.NotFound", 400, "The key pair '%s' does not exist", l.key)
	}
	s := ec2Of(c)
	if l.subnet == "" {
		return nil, core.NewError("VPCIdNotSpecified", 400, "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
	}
	sn, err := s.subnet(l.subnet)
	if err != nil {
		return nil, err
	}
	if len(l.groupNames) > 0 {
		return nil, core.NewError("InvalidGroup.NotFound", 400, "The security group '%s' does not exist in VPC '%s'", l.groupNames[0], sn.vpc)
	}
	for _, g := range l.groups {
		sg := s.sgs[g]
		if sg == nil {
			return nil, ec2NotFound("security-group", g)
		}
		if sg.vpc != sn.vpc {
			return nil, ec2Invalid("Security group %s and subnet %s belong to different networks.", g, sn.id)
		}
	}
	profile, _, perr := l.instanceProfile(c)
	if perr != nil {
		return nil, perr
	}
	reservation := ec2NewID("r")
	out := ec2ReservationXML{ReservationID: reservation, OwnerID: c.Account.Id, GroupSet: ec2Set[ec2GroupIDXML]{}}
	for n := 0; n < maxCount; n++ {
		in := s.launch(c, l, sn, reservation, l.tags, ec2LaunchDefaults{httpTokens: "optional", hopLimit: 1, volumeSize: 8, volumeType: "gp2"})
		in.profileARN, in.profileID = profile.ARN, profile.ID
		x := s.instanceXML(in)
		x.State = ec2InstanceStateXML{Code: 0, Name: "pending"}
		out.Instances = append(out.Instances, x)
	}
	return out, nil
}

// ec2LaunchDefaults are what an instance gets where neither the request nor its template says:
// the image's metadata options and root volume.
type ec2LaunchDefaults struct {
	httpTokens             string
	hopLimit               int
	volumeSize             int
	volumeType, deviceName string
}

// launch makes one instance of a resolved launch in subnet sn, with its root volume and primary
// network interface, each tagged with tags[type].
func (s *ec2State) launch(c *core.Req, l *ec2Launch, sn *ec2Subnet, reservation string, tags map[string][]core.Tag, def ec2LaunchDefaults) *ec2Instance {
	instType := l.instTyp
	if instType == "" {
		instType = "m1.small"
	}
	or := func(v, d string) string {
		if v == "" {
			return d
		}
		return v
	}
	atoi := func(v string, d int) int {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			return n
		}
		return d
	}
	device := or(l.deviceName, or(def.deviceName, "/dev/xvda"))
	in := &ec2Instance{
		ec2Meta: s.newMeta("i", append([]core.Tag(nil), tags["instance"]...)), owner: c.Account.Id, reservation: reservation,
		imageID: l.image, instType: instType, keyName: l.key, subnet: sn.id, vpc: sn.vpc, zone: sn.az.name,
		groups: append([]string(nil), l.groups...), privateIP: sn.nextIP(), rootDevice: device,
		httpTokens: or(l.httpTokens, def.httpTokens), hopLimit: atoi(l.hopLimit, def.hopLimit), state: "running", launched: c.Now,
	}
	if l.lt != nil {
		in.launchTemplate, in.launchTemplateVer = l.lt.id, l.ltVer.number
	}
	vol := &ec2Volume{ec2Meta: s.newMeta("vol", append([]core.Tag(nil), tags["volume"]...)), zone: sn.az.name,
		size: atoi(l.volumeSize, def.volumeSize), volumeType: or(l.volumeType, def.volumeType), encrypted: l.encrypted == "true",
		kmsKeyID: l.kmsKeyID, instance: in.id, device: device, created: c.Now}
	eni := &ec2NetworkInterface{ec2Meta: s.newMeta("eni", append([]core.Tag(nil), tags["network-interface"]...)), owner: c.Account.Id,
		subnet: sn.id, vpc: sn.vpc, zone: sn.az.name, groups: append([]string(nil), l.groups...), primaryIP: in.privateIP,
		instance: in.id, description: ""}
	in.volumeID, in.eniID = vol.id, eni.id
	s.compute[in.id], s.compute[vol.id], s.compute[eni.id] = in, vol, eni
	return in
}

// terminate ends a running instance: its root volume and primary interface go with it.
func (s *ec2State) terminate(in *ec2Instance, now time.Time) {
	if in.state == "terminated" {
		return
	}
	in.state, in.terminated = "terminated", now
	delete(s.compute, in.volumeID)
	delete(s.compute, in.eniID)
}

type ec2GroupIDXML struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type ec2InstanceStateXML struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type ec2PlacementXML struct {
	Zone string `xml:"availabilityZone"`
}

type ec2InstanceXML struct {
	InstanceID       string                    `xml:"instanceId"`
	ImageID          string                    `xml:"imageId"`
	State            ec2InstanceStateXML       `xml:"instanceState"`
	PrivateIPAddress string                    `xml:"privateIpAddress"`
	KeyName          string                    `xml:"keyName,omitempty"`
	InstanceType     string                    `xml:"instanceType"`
	LaunchTime       ec2Time                   `xml:"launchTime"`
	Placement        ec2PlacementXML           `xml:"placement"`
	SubnetID         string                    `xml:"subnetId"`
	VpcID            string                    `xml:"vpcId"`
	GroupSet         ec2Set[ec2GroupIDXML]     `xml:"groupSet"`
	RootDeviceType   string                    `xml:"rootDeviceType"`
	RootDeviceName   string                    `xml:"rootDeviceName,omitempty"`
	BlockDevices     ec2Set[ec2BlockDeviceXML] `xml:"blockDeviceMapping"`
	Interfaces       ec2Set[ec2InstanceENIXML] `xml:"networkInterfaceSet"`
	MetadataOptions  ec2MetadataOptionsXML     `xml:"metadataOptions"`
	IamProfile       *ec2InstanceProfileXML    `xml:"iamInstanceProfile,omitempty"`
	TagSet           ec2Set[ec2TagXML]         `xml:"tagSet"`
}

// ec2InstanceProfileXML is an instance's iamInstanceProfile.
type ec2InstanceProfileXML struct {
	Arn string `xml:"arn"`
	ID  string `xml:"id"`
}

// ec2MetadataOptionsXML is an instance's metadataOptions.
type ec2MetadataOptionsXML struct {
	State        string `xml:"state"`
	HTTPTokens   string `xml:"httpTokens"`
	HopLimit     int    `xml:"httpPutResponseHopLimit"`
	HTTPEndpoint string `xml:"httpEndpoint"`
}

// ec2BlockDeviceXML is one blockDeviceMapping item of an instance.
type ec2BlockDeviceXML struct {
	DeviceName string `xml:"deviceName"`
	Ebs        struct {
		VolumeID            string  `xml:"volumeId"`
		Status              string  `xml:"status"`
		AttachTime          ec2Time `xml:"attachTime"`
		DeleteOnTermination bool    `xml:"deleteOnTermination"`
	} `xml:"ebs"`
}

// ec2InstanceENIXML is one networkInterfaceSet item of an instance.
type ec2InstanceENIXML struct {
	NetworkInterfaceID string                `xml:"networkInterfaceId"`
	SubnetID           string                `xml:"subnetId"`
	VpcID              string                `xml:"vpcId"`
	OwnerID            string                `xml:"ownerId"`
	Status             string                `xml:"status"`
	PrivateIPAddress   string                `xml:"privateIpAddress"`
	GroupSet           ec2Set[ec2GroupIDXML] `xml:"groupSet"`
	Attachment         struct {
		DeviceIndex         int  `xml:"deviceIndex"`
		DeleteOnTermination bool `xml:"deleteOnTermination"`
	} `xml:"attachment"`
}

type ec2ReservationXML struct {
	ReservationID string                 `xml:"reservationId"`
	OwnerID       string                 `xml:"ownerId"`
	GroupSet      ec2Set[ec2GroupIDXML]  `xml:"groupSet"`
	Instances     ec2Set[ec2InstanceXML] `xml:"instancesSet"`
}

func (s *ec2State) instanceXML(in *ec2Instance) ec2InstanceXML {
	x := ec2InstanceXML{InstanceID: in.id, ImageID: in.imageID, PrivateIPAddress: in.privateIP, KeyName: in.keyName,
		InstanceType: in.instType, LaunchTime: ec2Time(in.launched), SubnetID: in.subnet, VpcID: in.vpc,
		GroupSet: ec2Set[ec2GroupIDXML]{}, RootDeviceType: "ebs", RootDeviceName: in.rootDevice, TagSet: ec2TagSet(in.tags),
		BlockDevices: ec2Set[ec2BlockDeviceXML]{}, Interfaces: ec2Set[ec2InstanceENIXML]{},
		MetadataOptions: ec2MetadataOptionsXML{State: "applied", HTTPTokens: in.httpTokens, HopLimit: in.hopLimit, HTTPEndpoint: "enabled"}}
	x.Placement.Zone = in.zone
	if in.profileARN != "" {
		x.IamProfile = &ec2InstanceProfileXML{Arn: in.profileARN, ID: in.profileID}
	}
	if in.state != "terminated" {
		bd := ec2BlockDeviceXML{DeviceName: in.rootDevice}
		bd.Ebs.VolumeID, bd.Ebs.Status, bd.Ebs.AttachTime, bd.Ebs.DeleteOnTermination = in.volumeID, "attached", ec2Time(in.launched), true
		x.BlockDevices = append(x.BlockDevices, bd)
		ni := ec2InstanceENIXML{NetworkInterfaceID: in.eniID, SubnetID: in.subnet, VpcID: in.vpc, OwnerID: in.owner, Status: "in-use",
			PrivateIPAddress: in.privateIP, GroupSet: s.groupSet(in.groups)}
		ni.Attachment.DeleteOnTermination = true
		x.Interfaces = append(x.Interfaces, ni)
	}
	x.State = ec2InstanceStateXML{Code: 16, Name: "running"}
	if in.state == "terminated" {
		x.State = ec2InstanceStateXML{Code: 48, Name: "terminated"}
	}
	x.GroupSet = s.groupSet(in.groups)
	return x
}

// groupSet names security groups by id and name.
func (s *ec2State) groupSet(ids []string) ec2Set[ec2GroupIDXML] {
	out := ec2Set[ec2GroupIDXML]{}
	for _, g := range ids {
		name := ""
		if sg := s.sgs[g]; sg != nil {
			name = sg.name
		}
		out = append(out, ec2GroupIDXML{GroupID: g, GroupName: name})
	}
	return out
}

func (s *ec2State) instances() []*ec2Instance {
	var out []*ec2Instance
	for _, obj := range s.compute {
		if in, ok := obj.(*ec2Instance); ok {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// settleInstances forgets terminated instances an hour after they ended, as EC2 does.
func (s *ec2State) settleInstances(now time.Time) {
	for id, obj := range s.compute {
		if in, ok := obj.(*ec2Instance); ok && in.state == "terminated" && now.Sub(in.terminated) > time.Hour {
			delete(s.compute, id)
		}
	}
}

func ec2DescribeInstances(c *core.Req) (any, error) {
	s := ec2Of(c)
	s.settleInstances(c.Now)
	all, err := ec2Lookup(ec2List(c, "InstanceId"), s.instances(), func(in *ec2Instance) string { return in.id },
		func(id string) *core.APIError { return ec2NotFound("instance", id) })
	if err != nil {
		return nil, err
	}
	known := []string{"instance-id", "instance-state-name", "subnet-id", "vpc-id", "image-id", "instance-type",
		"instance.group-id", "availability-zone", "reservation-id"}
	all, err = ec2Select(c, all, known, func(in *ec2Instance) ec2Fields {
		return func(name string) []string {
			switch name {
			case "instance-id":
				return []string{in.id}
			case "instance-state-name":
				return []string{in.state}
			case "subnet-id":
				return []string{in.subnet}
			case "vpc-id":
				return []string{in.vpc}
			case "image-id":
				return []string{in.imageID}
			case "instance-type":
				return []string{in.instType}
			case "instance.group-id":
				return in.groups
			case "availability-zone":
				return []string{in.zone}
			case "reservation-id":
				return []string{in.reservation}
			}
			return nil
		}
	}, func(in *ec2Instance) []core.Tag { return in.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, all, 1000)
	if err != nil {
		return nil, err
	}
	out := struct {
		Reservations ec2Set[ec2ReservationXML] `xml:"reservationSet"`
		NextToken    string                    `xml:"nextToken,omitempty"`
	}{Reservations: ec2Set[ec2ReservationXML]{}, NextToken: next}
	byReservation := map[string]int{}
	for _, in := range page {
		i, ok := byReservation[in.reservation]
		if !ok {
			i = len(out.Reservations)
			byReservation[in.reservation] = i
			out.Reservations = append(out.Reservations, ec2ReservationXML{ReservationID: in.reservation, OwnerID: in.owner, GroupSet: ec2Set[ec2GroupIDXML]{}})
		}
		out.Reservations[i].Instances = append(out.Reservations[i].Instances, s.instanceXML(in))
	}
	return out, nil
}

func ec2TerminateInstances(c *core.Req) (any, error) {
	ids := ec2List(c, "InstanceId")
	if len(ids) == 0 {
		return nil, core.NewError("MissingParameter", 400, "The request must contain the parameter InstanceId")
	}
	s := ec2Of(c)
	var found []*ec2Instance
	for _, id := range ids {
		in, ok := s.compute[id].(*ec2Instance)
		if !ok {
			return nil, ec2NotFound("instance", id)
		}
		found = append(found, in)
	}
	type change struct {
		InstanceID    string              `xml:"instanceId"`
		CurrentState  ec2InstanceStateXML `xml:"currentState"`
		PreviousState ec2InstanceStateXML `xml:"previousState"`
	}
	out := struct {
		Instances ec2Set[change] `xml:"instancesSet"`
	}{Instances: ec2Set[change]{}}
	for _, in := range found {
		prev := ec2InstanceStateXML{Code: 16, Name: "running"}
		if in.state == "terminated" {
			prev = ec2InstanceStateXML{Code: 48, Name: "terminated"}
		} else {
			s.terminate(in, c.Now)
		}
		out.Instances = append(out.Instances, change{InstanceID: in.id, CurrentState: ec2InstanceStateXML{Code: 32, Name: "shutting-down"}, PreviousState: prev})
	}
	return out, nil
}
