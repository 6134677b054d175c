package eks

// eksPeer is EKS's answer to other services (the small interfaces they declare, such as STS's
// stsEKS for AssumeRoleWithWebIdentity).
type eksPeer struct{}

// serviceAccountClaims are a verified service-account token's claims as STS sees them. It must
// spell sts's stsTokenClaims exactly (an unnamed struct type), so that the method signature is
// identical without either package importing the other.
type serviceAccountClaims = struct {
	Issuer, Subject string
	Audience        []string
	Expires         int64 // Unix seconds
}

// VerifyServiceAccountToken implements stsEKS.
func (eksPeer) VerifyServiceAccountToken(token string) (serviceAccountClaims, error) {
	cl, err := VerifyServiceAccountToken(token)
	if err != nil {
		return serviceAccountClaims{}, err
	}
	return serviceAccountClaims{Issuer: cl.Issuer, Subject: cl.Subject, Audience: cl.Audience, Expires: cl.Expires}, nil
}
