"""Writes a results spreadsheet the way another program would, for the Ext.
data import test: openpyxl, with a title row above the headings, dates of
birth as real dates, as text and as bare Excel day numbers, scores as numbers
and as text, and a blank row between pupils."""

import datetime
import sys

from openpyxl import Workbook

book = Workbook()
sheet = book.active
sheet.title = "Phonics"
sheet["A1"] = "Phonics Screening Check, June 2026"
sheet.append([])
sheet.append(["Forename", "Surname", "DOB", "Mark"])
sheet.append(["Amy", "Ash", datetime.date(2019, 3, 12), 38])
sheet.append([])
sheet.append(["Bo", "Birch", "01/04/2019", "27"])
# 31/12/2018 as Excel keeps it, in a cell not formatted as a date.
sheet.append(["Cy", "Cedar", 43465, 32.0])
book.save(sys.argv[1])
