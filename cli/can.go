package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kmsguard/kmsguard/internal/textwrap"
	"github.com/kmsguard/kmsguard/report"
	"github.com/kmsguard/kmsguard/result"
	"github.com/kmsguard/kmsguard/runner"
)

// canParams are the flags of `kmsguard can`.
type canParams struct {
	runner.QuestionFlags
	Explain bool
	Format  string // text or json
}

const canLong = `Answer one question: may PRINCIPAL call ACTION on the key, given its key
policy and, optionally, the caller's identity policies, permissions boundary
and session policy, the key's grants, SCPs, RCPs and the VPC endpoint policy?

Policy files are JSON or YAML; a key policy may also be the output of
"aws kms get-key-policy" and a grants file the output of "aws kms list-grants".
"-" reads a file from standard input.

--context key=value adds a request context key: true/false are booleans,
[...] is a JSON list of strings, anything else a string. Multivalued keys
(kms:EncryptionContextKeys, aws:CalledVia, aws:TagKeys, kms:GrantOperations,
aws:PrincipalOrgPaths, kms:ResourceAliases and the other keys of type
ArrayOfString) may be given several times.

Without --resource the key is a key in the principal's account
(arn:aws:kms:us-east-1:ACCOUNT:key/00000000-0000-0000-0000-000000000000);
a service principal needs --resource.

Exit status: 0 allowed, 1 denied, 2 bad input.`

const canExample = `  kmsguard can --key-policy key-policy.json --identity-policy alice.json \
    --principal arn:aws:iam::111122223333:user/alice --action kms:Decrypt \
    --resource arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab \
    --context kms:EncryptionContext:app=billing

  aws kms get-key-policy --key-id "$KEY" --policy-name default |
    kmsguard can --key-policy - --principal 111122223333 --action kms:Encrypt --explain`

func newCanCommand(stdin io.Reader, stdout io.Writer) *cobra.Command {
	var p canParams
	cmd, f := newCommand("can --key-policy FILE --principal ARN --action kms:ACTION [flags]",
		"Decide whether a principal may call a KMS action on a key",
		canLong, canExample, cobra.NoArgs,
		func(cmd *cobra.Command, _ []string) error {
			return runCan(cmd.Context(), p, stdin, stdout)
		})
	f.StringVar(&p.KeyPolicy, "key-policy", "", "key policy `FILE` (JSON, YAML or get-key-policy output)")
	f.StringVar(&p.Principal, "principal", "", "the caller: IAM/STS `ARN`, account id or service principal")
	f.StringVar(&p.Action, "action", "", "the KMS `ACTION`, e.g. kms:Decrypt")
	f.StringVar(&p.Resource, "resource", "", "the key `ARN` (default: a key in the principal's account)")
	f.StringArrayVar(&p.Context, "context", nil, "request context `key=value` (repeatable)")
	f.StringVar(&p.ContextFile, "context-file", "", "request context as a JSON or YAML object `FILE`; --context wins")
	f.StringArrayVar(&p.IdentityPolicies, "identity-policy", nil, "identity policy `FILE` of the caller (repeatable)")
	f.StringVar(&p.Grants, "grants", "", "grants `FILE`: a JSON list of grants or list-grants output")
	f.StringArrayVar(&p.SCPs, "scp", nil, "SCP `FILE`: one policy or a list of policies, one level per flag, root first (repeatable)")
	f.StringArrayVar(&p.RCPs, "rcp", nil, "RCP `FILE`: one policy or a list of policies, one level per flag (repeatable)")
	f.StringVar(&p.Boundary, "boundary", "", "permissions boundary `FILE` of the caller")
	f.StringVar(&p.SessionPolicy, "session-policy", "", "session policy `FILE` of the caller's session")
	f.StringVar(&p.VPCEndpointPolicy, "vpc-endpoint-policy", "", "policy `FILE` of the VPC endpoint the request came through")
	f.StringVar(&p.RoleARN, "role-arn", "", "full role `ARN` (with path) of an assumed-role session")
	f.StringVar(&p.RequestTime, "request-time", "", "time of the request, RFC 3339 `TIME` (aws:CurrentTime, aws:EpochTime; default: now, when a policy tests them)")
	f.BoolVar(&p.Explain, "explain", false, "show, for every statement and grant, whether and why it applies")
	f.StringVar(&p.Format, "format", "text", "output `FORMAT`: text or json")
	for _, name := range []string{"key-policy", "principal", "action"} {
		if err := cmd.MarkFlagRequired(name); err != nil {
			panic(err) // a programming error: the flag is defined above
		}
	}
	return cmd
}

// runCan answers the question the params describe. It returns nil when the
// answer is Allowed, the silent error denied for a denial, and an exit error
// with code 2 for bad input or an error answer.
func runCan(ctx context.Context, p canParams, stdin io.Reader, stdout io.Writer) error {
	if err := checkFormat(p.Format, "text", "json"); err != nil {
		return err
	}
	asked, err := runner.AskFlags(ctx, p.QuestionFlags, stdin, p.Explain)
	if err != nil {
		return inputError(err)
	}
	opt := report.DecisionOptions{Defaulted: asked.Defaulted, Explain: asked.Explanation, Width: textwrap.Width(stdout)}
	if err := report.WriteDecision(stdout, p.Format, asked.Question, asked.Answer, opt); err != nil {
		return inputError(fmt.Errorf("writing the answer: %w", err))
	}
	return answerError(asked.Answer)
}

// answerError is the error runCan returns for an answer.
func answerError(a *result.Answer) error {
	switch {
	case a.Error != "":
		return inputError(errors.New(a.Error))
	case a.IsAllowed():
		return nil
	default:
		return denied
	}
}
