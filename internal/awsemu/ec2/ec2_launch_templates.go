package ec2

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// ec2LaunchTemplate is a launch template with its versions. A version's data is kept as the
// request sent it (LaunchTemplateData.* parameters with the prefix removed), which is what
// RunInstances resolves its resources from.
type ec2LaunchTemplate struct {
	ec2Meta
	name           string
	created        time.Time
	createdBy      string
	defaultVersion int
	versions       []*ec2LTVersion // versions[i].number == i+1; a deleted version is nil
}

type ec2LTVersion struct {
	number  int
	desc    string
	created time.Time
	data    map[string]string
}

func (*ec2LaunchTemplate) kind() string { return "launch-template" }

// authKeys: a launch template has no keys of its own beyond its tags (ec2:ManagedResourceOperator
// is for templates managed by AWS services, which the emulator does not make).
func (*ec2LaunchTemplate) authKeys(*core.Req, *ec2State) map[string][]string { return nil }

func (lt *ec2LaunchTemplate) latest() *ec2LTVersion {
	for i := len(lt.versions) - 1; i >= 0; i-- {
		if lt.versions[i] != nil {
			return lt.versions[i]
		}
	}
	return nil
}

func ec2LaunchTemplateSpecs() []ec2Spec {
	return []ec2Spec{
		// The SAR: CreateLaunchTemplate on launch-template* (aws:RequestTag, aws:TagKeys), with
		// ec2:CreateTags (ec2:CreateAction) for its TagSpecifications.
		{name: "CreateLaunchTemplate", targets: func(c *core.Req) []ec2Target { return []ec2Target{ec2New(c, "launch-template", nil)} },
			creates: "launch-template", handle: ec2CreateLaunchTemplate},
		{name: "CreateLaunchTemplateVersion", targets: ec2LaunchTemplateTarget(""), handle: ec2CreateLaunchTemplateVersion},
		{name: "ModifyLaunchTemplate", targets: ec2LaunchTemplateTarget(""), handle: ec2ModifyLaunchTemplate},
		{name: "DeleteLaunchTemplate", targets: ec2LaunchTemplateTarget(""), handle: ec2DeleteLaunchTemplate},
		{name: "DescribeLaunchTemplates", handle: ec2DescribeLaunchTemplates},
		{name: "DescribeLaunchTemplateVersions", handle: ec2DescribeLaunchTemplateVersions},
	}
}

// ec2LaunchTemplateTarget is the existing template named by <prefix>LaunchTemplateId or
// <prefix>LaunchTemplateName, with its tags.
func ec2LaunchTemplateTarget(prefix string) func(c *core.Req) []ec2Target {
	return func(c *core.Req) []ec2Target {
		id := c.Param(prefix + "LaunchTemplateId")
		if id == "" {
			id = "*"
			if lt := ec2Of(c).launchTemplateByName(c.Param(prefix + "LaunchTemplateName")); lt != nil {
				id = lt.id
			}
		}
		return []ec2Target{ec2Existing(c, "launch-template", id)}
	}
}

func (s *ec2State) launchTemplateByName(name string) *ec2LaunchTemplate {
	if name == "" {
		return nil
	}
	for _, obj := range s.compute {
		if lt, ok := obj.(*ec2LaunchTemplate); ok && lt.name == name {
			return lt
		}
	}
	return nil
}

// launchTemplate finds the template named by <prefix>LaunchTemplateId or <prefix>LaunchTemplateName
// (exactly one of them), with EC2's errors.
func (s *ec2State) launchTemplate(c *core.Req, prefix string) (*ec2LaunchTemplate, *core.APIError) {
	id, name := c.Param(prefix+"LaunchTemplateId"), c.Param(prefix+"LaunchTemplateName")
	switch {
	case id != "" && name != "":
		return nil, core.NewError("InvalidParameterCombination", 400, "Both a launch template ID and a launch template name were specified.")
	case id != "":
		if lt, ok := s.compute[id].(*ec2LaunchTemplate); ok {
			return lt, nil
		}
		if !strings.HasPrefix(id, "lt-") {
			return nil, core.NewError("InvalidLaunchTemplateId.Malformed", 400, "The specified ID for the launch template is not valid.")
		}
		return nil, ec2NotFound("launch-template", id)
	case name != "":
		if lt := s.launchTemplateByName(name); lt != nil {
			return lt, nil
		}
		return nil, core.NewError("InvalidLaunchTemplateName.NotFoundException", 400, "The specified launch template, with template name %s, does not exist.", name)
	}
	return nil, core.NewError("MissingParameter", 400, "The request must include either the launch template ID or the launch template name.")
}

// version resolves "$Default", "$Latest" or a number ("" is $Default).
func (lt *ec2LaunchTemplate) version(v string) (*ec2LTVersion, *core.APIError) {
	n := lt.defaultVersion
	switch v {
	case "", "$Default":
	case "$Latest":
		if l := lt.latest(); l != nil {
			return l, nil
		}
	default:
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			return nil, core.NewError("InvalidLaunchTemplateId.VersionNotFound", 400, "Could not find launch template version %s for launch template %s.", v, lt.id)
		}
	}
	if n >= 1 && n <= len(lt.versions) && lt.versions[n-1] != nil {
		return lt.versions[n-1], nil
	}
	return nil, core.NewError("InvalidLaunchTemplateId.VersionNotFound", 400, "Could not find launch template version %s for launch template %s.", v, lt.id)
}

// ec2LaunchTemplateData reads the LaunchTemplateData.* parameters.
func ec2LaunchTemplateData(c *core.Req) map[string]string {
	const prefix = "LaunchTemplateData."
	out := map[string]string{}
	for k, v := range c.In.Params {
		if strings.HasPrefix(k, prefix) && len(v) > 0 {
			out[k[len(prefix):]] = v[0]
		}
	}
	return out
}

// ec2LTDataList reads a flat list (SecurityGroupId.1, ...) from template data.
func ec2LTDataList(data map[string]string, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := data[name+"."+strconv.Itoa(i)]
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

// ec2LTDataTags are the tags the template's TagSpecifications give resources of type typ.
func ec2LTDataTags(data map[string]string, typ string) []core.Tag {
	var out []core.Tag
	for i := 1; ; i++ {
		m := "TagSpecification." + strconv.Itoa(i)
		rt, ok := data[m+".ResourceType"]
		if !ok {
			return out
		}
		if rt != typ {
			continue
		}
		for j := 1; ; j++ {
			k, ok := data[m+".Tag."+strconv.Itoa(j)+".Key"]
			if !ok {
				break
			}
			out = append(out, core.Tag{Key: k, Value: data[m+".Tag."+strconv.Itoa(j)+".Value"]})
		}
	}
}

var ec2LTNameRE = regexp.MustCompile(`^[a-zA-Z0-9().\-/_]{3,128}$`)

// ec2ValidateLTData checks what a template may say: the resource types its TagSpecifications tag.
func ec2ValidateLTData(data map[string]string) *core.APIError {
	for k, v := range data {
		if strings.HasPrefix(k, "TagSpecification.") && strings.HasSuffix(k, ".ResourceType") {
			switch v {
			case "instance", "volume", "network-interface", "spot-instances-request":
			default:
				return ec2Invalid("The following resource type(s) are not supported for tag specifications: %s", v)
			}
		}
	}
	return nil
}

func ec2CreateLaunchTemplate(c *core.Req) (any, error) {
	if err := ec2Required(c, "LaunchTemplateName"); err != nil {
		return nil, err
	}
	name := c.Param("LaunchTemplateName")
	if !ec2LTNameRE.MatchString(name) {
		return nil, ec2Invalid("Launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.")
	}
	data := ec2LaunchTemplateData(c)
	if err := ec2ValidateLTData(data); err != nil {
		return nil, err
	}
	tags, err := ec2CreateTags(c, "launch-template")
	if err != nil {
		return nil, err
	}
	s := ec2Of(c)
	if tok := c.Param("ClientToken"); tok != "" {
		if lt, ok := s.compute[s.tokens["lt:"+tok]].(*ec2LaunchTemplate); ok {
			return struct {
				LaunchTemplate ec2LaunchTemplateXML `xml:"launchTemplate"`
			}{lt.xml()}, nil
		}
	}
	if s.launchTemplateByName(name) != nil {
		return nil, core.NewError("InvalidLaunchTemplateName.AlreadyExistsException", 400, "Launch template name already in use.")
	}
	lt := &ec2LaunchTemplate{ec2Meta: s.newMeta("lt", tags), name: name, created: c.Now, createdBy: c.Caller.ARN, defaultVersion: 1}
	lt.versions = []*ec2LTVersion{{number: 1, desc: c.Param("VersionDescription"), created: c.Now, data: data}}
	s.compute[lt.id] = lt
	if tok := c.Param("ClientToken"); tok != "" {
		s.tokens["lt:"+tok] = lt.id
	}
	return struct {
		LaunchTemplate ec2LaunchTemplateXML `xml:"launchTemplate"`
	}{lt.xml()}, nil
}

func ec2CreateLaunchTemplateVersion(c *core.Req) (any, error) {
	s := ec2Of(c)
	lt, err := s.launchTemplate(c, "")
	if err != nil {
		return nil, err
	}
	data := ec2LaunchTemplateData(c)
	if err := ec2ValidateLTData(data); err != nil {
		return nil, err
	}
	if src := c.Param("SourceVersion"); src != "" {
		// The new version is the source with the request's top-level fields replacing its own.
		base, err := lt.version(src)
		if err != nil {
			return nil, err
		}
		given := map[string]bool{}
		for k := range data {
			top, _, _ := strings.Cut(k, ".")
			given[top] = true
		}
		merged := map[string]string{}
		for k, v := range base.data {
			if top, _, _ := strings.Cut(k, "."); !given[top] {
				merged[k] = v
			}
		}
		for k, v := range data {
			merged[k] = v
		}
		data = merged
	}
	v := &ec2LTVersion{number: len(lt.versions) + 1, desc: c.Param("VersionDescription"), created: c.Now, data: data}
	lt.versions = append(lt.versions, v)
	return struct {
		Version ec2LTVersionXML `xml:"launchTemplateVersion"`
	}{lt.versionXML(v)}, nil
}

func ec2ModifyLaunchTemplate(c *core.Req) (any, error) {
	s := ec2Of(c)
	lt, err := s.launchTemplate(c, "")
	if err != nil {
		return nil, err
	}
	if d := c.Param("SetDefaultVersion"); d != "" {
		v, err := lt.version(d)
		if err != nil {
			return nil, err
		}
		lt.defaultVersion = v.number
	}
	return struct {
		LaunchTemplate ec2LaunchTemplateXML `xml:"launchTemplate"`
	}{lt.xml()}, nil
}

func ec2DeleteLaunchTemplate(c *core.Req) (any, error) {
	s := ec2Of(c)
	lt, err := s.launchTemplate(c, "")
	if err != nil {
		return nil, err
	}
	delete(s.compute, lt.id)
	return struct {
		LaunchTemplate ec2LaunchTemplateXML `xml:"launchTemplate"`
	}{lt.xml()}, nil
}

type ec2LaunchTemplateXML struct {
	LaunchTemplateID     string            `xml:"launchTemplateId"`
	LaunchTemplateName   string            `xml:"launchTemplateName"`
	CreateTime           ec2Time           `xml:"createTime"`
	CreatedBy            string            `xml:"createdBy"`
	DefaultVersionNumber int               `xml:"defaultVersionNumber"`
	LatestVersionNumber  int               `xml:"latestVersionNumber"`
	TagSet               ec2Set[ec2TagXML] `xml:"tagSet"`
}

func (lt *ec2LaunchTemplate) xml() ec2LaunchTemplateXML {
	latest := 0
	if l := lt.latest(); l != nil {
		latest = l.number
	}
	return ec2LaunchTemplateXML{LaunchTemplateID: lt.id, LaunchTemplateName: lt.name, CreateTime: ec2Time(lt.created),
		CreatedBy: lt.createdBy, DefaultVersionNumber: lt.defaultVersion, LatestVersionNumber: latest, TagSet: ec2TagSet(lt.tags)}
}

// ec2LTGroupsXML is a launch template interface's groupSet: <groupSet><groupId>sg-…</groupId></groupSet>.
type ec2LTGroupsXML struct {
	IDs []string `xml:"groupId"`
}

type ec2LTInterfaceXML struct {
	DeviceIndex string         `xml:"deviceIndex,omitempty"`
	SubnetID    string         `xml:"subnetId,omitempty"`
	GroupSet    ec2LTGroupsXML `xml:"groupSet"`
	AssociateIP string         `xml:"associatePublicIpAddress,omitempty"`
}

type ec2LTTagSpecXML struct {
	ResourceType string            `xml:"resourceType"`
	TagSet       ec2Set[ec2TagXML] `xml:"tagSet"`
}

type ec2LTProfileXML struct {
	Arn  string `xml:"arn,omitempty"`
	Name string `xml:"name,omitempty"`
}

type ec2LTMetadataXML struct {
	State        string `xml:"state,omitempty"`
	HTTPTokens   string `xml:"httpTokens,omitempty"`
	HopLimit     string `xml:"httpPutResponseHopLimit,omitempty"`
	HTTPEndpoint string `xml:"httpEndpoint,omitempty"`
}

// ec2LTEbsXML is a template block device's ebs, as the request gave it.
type ec2LTEbsXML struct {
	DeleteOnTermination string `xml:"deleteOnTermination,omitempty"`
	Encrypted           string `xml:"encrypted,omitempty"`
	Iops                string `xml:"iops,omitempty"`
	KmsKeyID            string `xml:"kmsKeyId,omitempty"`
	SnapshotID          string `xml:"snapshotId,omitempty"`
	Throughput          string `xml:"throughput,omitempty"`
	VolumeSize          string `xml:"volumeSize,omitempty"`
	VolumeType          string `xml:"volumeType,omitempty"`
}

type ec2LTBlockDeviceXML struct {
	DeviceName  string       `xml:"deviceName,omitempty"`
	VirtualName string       `xml:"virtualName,omitempty"`
	NoDevice    string       `xml:"noDevice,omitempty"`
	Ebs         *ec2LTEbsXML `xml:"ebs,omitempty"`
}

type ec2LTDataXML struct {
	ImageID             string                      `xml:"imageId,omitempty"`
	InstanceType        string                      `xml:"instanceType,omitempty"`
	KeyName             string                      `xml:"keyName,omitempty"`
	UserData            string                      `xml:"userData,omitempty"`
	IamInstanceProfile  *ec2LTProfileXML            `xml:"iamInstanceProfile,omitempty"`
	MetadataOptions     *ec2LTMetadataXML           `xml:"metadataOptions,omitempty"`
	BlockDeviceMappings ec2Set[ec2LTBlockDeviceXML] `xml:"blockDeviceMappingSet,omitempty"`
	SecurityGroupIDSet  ec2Set[string]              `xml:"securityGroupIdSet,omitempty"`
	SecurityGroupSet    ec2Set[string]              `xml:"securityGroupSet,omitempty"`
	NetworkInterfaceSet ec2Set[ec2LTInterfaceXML]   `xml:"networkInterfaceSet,omitempty"`
	TagSpecificationSet ec2Set[ec2LTTagSpecXML]     `xml:"tagSpecificationSet,omitempty"`
}

type ec2LTVersionXML struct {
	LaunchTemplateID   string       `xml:"launchTemplateId"`
	LaunchTemplateName string       `xml:"launchTemplateName"`
	VersionNumber      int          `xml:"versionNumber"`
	VersionDescription string       `xml:"versionDescription,omitempty"`
	CreateTime         ec2Time      `xml:"createTime"`
	CreatedBy          string       `xml:"createdBy"`
	DefaultVersion     bool         `xml:"defaultVersion"`
	LaunchTemplateData ec2LTDataXML `xml:"launchTemplateData"`
}

func (lt *ec2LaunchTemplate) versionXML(v *ec2LTVersion) ec2LTVersionXML {
	d := v.data
	out := ec2LTDataXML{ImageID: d["ImageId"], InstanceType: d["InstanceType"], KeyName: d["KeyName"], UserData: d["UserData"],
		SecurityGroupIDSet: ec2LTDataList(d, "SecurityGroupId"), SecurityGroupSet: ec2LTDataList(d, "SecurityGroup")}
	if d["IamInstanceProfile.Arn"] != "" || d["IamInstanceProfile.Name"] != "" {
		out.IamInstanceProfile = &ec2LTProfileXML{Arn: d["IamInstanceProfile.Arn"], Name: d["IamInstanceProfile.Name"]}
	}
	if t, h, e := d["MetadataOptions.HttpTokens"], d["MetadataOptions.HttpPutResponseHopLimit"], d["MetadataOptions.HttpEndpoint"]; t != "" || h != "" || e != "" {
		out.MetadataOptions = &ec2LTMetadataXML{State: "applied", HTTPTokens: t, HopLimit: h, HTTPEndpoint: e}
	}
	for i := 1; ; i++ {
		m := "BlockDeviceMapping." + strconv.Itoa(i) + "."
		found := false
		for k := range d {
			found = found || strings.HasPrefix(k, m)
		}
		if !found {
			break
		}
		bd := ec2LTBlockDeviceXML{DeviceName: d[m+"DeviceName"], VirtualName: d[m+"VirtualName"], NoDevice: d[m+"NoDevice"]}
		for k := range d {
			if strings.HasPrefix(k, m+"Ebs.") {
				bd.Ebs = &ec2LTEbsXML{DeleteOnTermination: d[m+"Ebs.DeleteOnTermination"], Encrypted: d[m+"Ebs.Encrypted"], Iops: d[m+"Ebs.Iops"],
					KmsKeyID: d[m+"Ebs.KmsKeyId"], SnapshotID: d[m+"Ebs.SnapshotId"], Throughput: d[m+"Ebs.Throughput"],
					VolumeSize: d[m+"Ebs.VolumeSize"], VolumeType: d[m+"Ebs.VolumeType"]}
				break
			}
		}
		out.BlockDeviceMappings = append(out.BlockDeviceMappings, bd)
	}
	for i := 1; ; i++ {
		m := "NetworkInterface." + strconv.Itoa(i)
		found := false
		for k := range d {
			if strings.HasPrefix(k, m+".") {
				found = true
				break
			}
		}
		if !found {
			break
		}
		out.NetworkInterfaceSet = append(out.NetworkInterfaceSet, ec2LTInterfaceXML{DeviceIndex: d[m+".DeviceIndex"], SubnetID: d[m+".SubnetId"],
			GroupSet: ec2LTGroupsXML{ec2LTDataList(d, m+".SecurityGroupId")}, AssociateIP: d[m+".AssociatePublicIpAddress"]})
	}
	types := map[string]bool{}
	for k, val := range d {
		if strings.HasPrefix(k, "TagSpecification.") && strings.HasSuffix(k, ".ResourceType") {
			types[val] = true
		}
	}
	for _, typ := range core.SortedKeys(types) {
		out.TagSpecificationSet = append(out.TagSpecificationSet, ec2LTTagSpecXML{ResourceType: typ, TagSet: ec2TagSet(ec2LTDataTags(d, typ))})
	}
	return ec2LTVersionXML{LaunchTemplateID: lt.id, LaunchTemplateName: lt.name, VersionNumber: v.number, VersionDescription: v.desc,
		CreateTime: ec2Time(v.created), CreatedBy: lt.createdBy, DefaultVersion: v.number == lt.defaultVersion, LaunchTemplateData: out}
}

func (s *ec2State) launchTemplates() []*ec2LaunchTemplate {
	var out []*ec2LaunchTemplate
	for _, obj := range s.compute {
		if lt, ok := obj.(*ec2LaunchTemplate); ok {
			out = append(out, lt)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func ec2DescribeLaunchTemplates(c *core.Req) (any, error) {
	s := ec2Of(c)
	all := s.launchTemplates()
	ids, names := ec2List(c, "LaunchTemplateId"), ec2List(c, "LaunchTemplateName")
	if len(ids) > 0 || len(names) > 0 {
		var picked []*ec2LaunchTemplate
		for _, id := range ids {
			lt, ok := s.compute[id].(*ec2LaunchTemplate)
			if !ok {
				return nil, ec2NotFound("launch-template", id)
			}
			picked = append(picked, lt)
		}
		for _, name := range names {
			lt := s.launchTemplateByName(name)
			if lt == nil {
				return nil, core.NewError("InvalidLaunchTemplateName.NotFoundException", 400, "At least one of the launch templates specified in the request does not exist.")
			}
			picked = append(picked, lt)
		}
		all = picked
	}
	known := []string{"launch-template-name", "create-time"}
	all, err := ec2Select(c, all, known, func(lt *ec2LaunchTemplate) ec2Fields {
		return func(name string) []string {
			if name == "launch-template-name" {
				return []string{lt.name}
			}
			return nil
		}
	}, func(lt *ec2LaunchTemplate) []core.Tag { return lt.tags })
	if err != nil {
		return nil, err
	}
	page, next, err := ec2Page(c, all, 200)
	if err != nil {
		return nil, err
	}
	out := struct {
		LaunchTemplates ec2Set[ec2LaunchTemplateXML] `xml:"launchTemplates"`
		NextToken       string                       `xml:"nextToken,omitempty"`
	}{LaunchTemplates: ec2Set[ec2LaunchTemplateXML]{}, NextToken: next}
	for _, lt := range page {
		out.LaunchTemplates = append(out.LaunchTemplates, lt.xml())
	}
	return out, nil
}

func ec2DescribeLaunchTemplateVersions(c *core.Req) (any, error) {
	s := ec2Of(c)
	type item struct {
		lt *ec2LaunchTemplate
		v  *ec2LTVersion
	}
	var items []item
	if c.Param("LaunchTemplateId") != "" || c.Param("LaunchTemplateName") != "" {
		lt, err := s.launchTemplate(c, "")
		if err != nil {
			return nil, err
		}
		wanted := ec2List(c, "LaunchTemplateVersion")
		if len(wanted) == 0 {
			for _, v := range lt.versions {
				if v != nil {
					items = append(items, item{lt, v})
				}
			}
		}
		for _, w := range wanted {
			v, err := lt.version(w)
			if err != nil {
				return nil, err
			}
			items = append(items, item{lt, v})
		}
	} else {
		// Without a template, only $Default or $Latest may be asked for, across every template.
		for _, lt := range s.launchTemplates() {
			for _, w := range ec2List(c, "LaunchTemplateVersion") {
				if v, err := lt.version(w); err == nil {
					items = append(items, item{lt, v})
				}
			}
		}
	}
	page, next, err := ec2Page(c, items, 200)
	if err != nil {
		return nil, err
	}
	out := struct {
		Versions  ec2Set[ec2LTVersionXML] `xml:"launchTemplateVersionSet"`
		NextToken string                  `xml:"nextToken,omitempty"`
	}{Versions: ec2Set[ec2LTVersionXML]{}, NextToken: next}
	for _, it := range page {
		out.Versions = append(out.Versions, it.lt.versionXML(it.v))
	}
	return out, nil
}
