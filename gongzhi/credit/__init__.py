"""Credit files (诚信档案, R-MECH-2): each property company's and each compound manager's credit
records — created by rules from the platform's records and by the office by hand — their points,
validity, objections and corrections, the grade or demerit total under the town's mode, the
printable credit report and the public red and black lists."""
