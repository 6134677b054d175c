package lakesailtest

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// bundle3 holds the documents of policy bundle 3 (the last one before the envelope was closed)
// as connpolicy rendered them for its test spec: connection AB12CD34EF in account 111122223333.
// They show that an apply brings a connection made with them up to date in place, and the
// closure check (connpolicy) runs on them to show that it finds the take-overs they allowed.
//
//go:embed bundle3/*.json
var bundle3 embed.FS

// Bundle3Document is a bundle-3 document rendered for a connection and account.
func Bundle3Document(kind connpolicy.PolicyKind, connectionID, accountID string) (string, error) {
	text, err := bundle3.ReadFile("bundle3/" + string(kind) + ".json")
	if err != nil {
		return "", fmt.Errorf("no bundle-3 document %s: %w", kind, err)
	}
	return strings.NewReplacer("AB12CD34EF", connectionID, "ab12cd34ef", strings.ToLower(connectionID),
		"111122223333", accountID).Replace(string(text)), nil
}

// InstallBundle3 makes bundle 3's documents the default versions of a connection's managed
// policies, as if the connection had been made by a provider release with that bundle.
func InstallBundle3(ctx context.Context, cfg aws.Config, t Target) error {
	api := iam.NewFromConfig(cfg)
	for _, kind := range connpolicy.ManagedPolicyKinds() {
		doc, err := Bundle3Document(kind, t.ConnectionID, t.AccountID)
		if err != nil {
			return err
		}
		_, err = api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{
			PolicyArn: t.policyARN(kind), PolicyDocument: aws.String(doc), SetAsDefault: true})
		if err != nil {
			return fmt.Errorf("installing bundle 3's %s: %w", kind, err)
		}
	}
	return nil
}
