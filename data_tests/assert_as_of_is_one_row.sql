-- run_as_of must hold exactly one "now" for the whole run
select count(*) as as_of_rows
from {{ ref('run_as_of') }}
having count(*) != 1
