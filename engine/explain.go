package engine

// explain is authz.explain for a question without errors.
func (ev *eval) explain() map[string]any {
	return map[string]any{
		"decision":   answerObject(ev.decide()),
		"statements": ev.explainStatements(),
		"grants":     ev.explainGrants(),
	}
}

func (ev *eval) explainStatements() []any {
	out := []any{}
	q := ev.q
	if !ev.accountAction {
		for j := range q.keyPolicy.statements {
			out = append(out, ev.explainResource(map[string]any{"policy": "key_policy"}, &q.keyPolicy.statements[j], ev.kpCtx))
		}
	}
	for i, d := range q.identity {
		for j := range d.statements {
			out = append(out, ev.explainIdentity(map[string]any{"policy": "identity_policy", "index": i}, &d.statements[j]))
		}
	}
	if q.boundary != nil {
		for j := range q.boundary.statements {
			out = append(out, ev.explainIdentity(map[string]any{"policy": "permissions_boundary"}, &q.boundary.statements[j]))
		}
	}
	if q.session != nil {
		for j := range q.session.statements {
			out = append(out, ev.explainIdentity(map[string]any{"policy": "session_policy"}, &q.session.statements[j]))
		}
	}
	if ev.scpsApply() {
		for l, level := range q.scps {
			for i, d := range level {
				for j := range d.statements {
					out = append(out, ev.explainIdentity(map[string]any{"policy": "scp", "level": l, "index": i}, &d.statements[j]))
				}
			}
		}
	}
	if ev.rcpsApply() {
		for l, level := range q.rcps {
			for i, d := range level {
				for j := range d.statements {
					out = append(out, ev.explainResource(map[string]any{"policy": "rcp", "level": l, "index": i}, &d.statements[j], ev.ctx))
				}
			}
		}
	}
	if q.endpoint != nil {
		for j := range q.endpoint.statements {
			out = append(out, ev.explainResource(map[string]any{"policy": "vpc_endpoint_policy"}, &q.endpoint.statements[j], ev.ctx))
		}
	}
	return out
}

func (ev *eval) failures(s *statement, ctx context) []any {
	out := []any{}
	for i := range s.conds {
		c := &s.conds[i]
		if !ev.test(c, ctx) {
			out = append(out, map[string]any{"operator": c.op, "key": c.key, "values": c.written()})
		}
	}
	return out
}

func (ev *eval) explainResource(where map[string]any, s *statement, ctx context) map[string]any {
	if s.hasSid {
		where["sid"] = s.sid
	}
	principal := false
	if s.allow {
		principal = ev.allowKinds(s) != 0
	} else {
		principal = ev.denialNamesCaller(s)
	}
	applies := (s.allow && ev.resourceAllow(s, ctx) != 0) || ev.resourceDeny(s, ctx)
	where["statement"] = s.index
	where["effect"] = s.effect()
	where["action"] = s.actionOK(ev.actionName)
	where["principal"] = principal
	where["resource"] = s.resourceOK(ev.reqRes, ctx)
	where["conditions"] = ev.conditionsOK(s, ctx)
	where["failed_conditions"] = ev.failures(s, ctx)
	where["applies"] = applies
	return where
}

func (ev *eval) explainIdentity(where map[string]any, s *statement) map[string]any {
	if s.hasSid {
		where["sid"] = s.sid
	}
	where["statement"] = s.index
	where["effect"] = s.effect()
	where["action"] = s.actionOK(ev.actionName)
	where["principal"] = true
	where["resource"] = s.resourceOK(ev.reqRes, ev.ctx)
	where["conditions"] = ev.conditionsOK(s, ev.ctx)
	where["failed_conditions"] = ev.failures(s, ev.ctx)
	where["applies"] = ev.identityApplies(s, ev.actionName, ev.reqRes)
	return where
}

func (ev *eval) explainGrants() []any {
	out := []any{}
	for i := range ev.q.grants {
		g := &ev.q.grants[i]
		m := reasonObject(grantReason(i, g).reason())
		m["grantee"] = ev.granteeKind(g) != granteeNone
		m["operation"] = g.hasOperation(ev.act.Name)
		m["constraints"] = ev.constraintsOK(g)
		m["applies"] = ev.usableGrant(g)
		out = append(out, m)
	}
	return out
}
