-- Every reason dq_rejected_rows gives is described in the reject_reasons seed, so the
-- pipeline can explain it (docs/definitions.md#bad-input).
select rejected.reason
from {{ ref('dq_rejected_rows') }} as rejected
left join {{ ref('reject_reasons') }} as known
    on rejected.reason = known.reject_reason
where known.reject_reason is null
group by rejected.reason
