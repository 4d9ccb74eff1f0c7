"""`accueil anonymise`: turn an agency's own iCARE bulk-upload workbooks into the anonymised extract.

Runs on the agency's machine, with the partnership key that the agencies hold and the
warehouse never sees (domain brief, section 3).  One module per job:

* ``keys``        make, write and read partnership key files;
* ``icare_labels`` the iCARE labels of the columns the extract needs (derived from IRCC's workbook);
* ``read``        read iCARE workbooks (three header rows, machine names or labels);
* ``transform``   identifiers -> client key, birth date -> year, postal code -> FSA, codes -> labels;
* ``check``       consistency problems across rows and the last look for direct identifiers;
* ``pipeline``    the whole run, from input files to rows and a report;
* ``write``       the extract, the report and the dry-run listing;
* ``commands``    the click commands ``anonymise`` and ``keygen``.

This file imports nothing, so that the generator can use ``keys`` without the rest.
"""
